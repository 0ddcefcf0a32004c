"""Human work items (the inbox): candidates by lane/group, claim/unclaim/delegate/complete, due dates and SLA,
four-eyes rules and substitutes. Fed by the process engine; the inbox reads only ``WorkItem`` rows."""
