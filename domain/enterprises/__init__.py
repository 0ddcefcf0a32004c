"""企业资质与安全生产许可 (enterprises bounded context): post-approval supervision of qualifications and safety
production licences (M55, M56, M62-M69).

Where things are:

* ``models/`` — ``credentials`` (Qualification, SafetyLicence, Accident, Suspension, ReapplicationBan), ``checks``
  (VerificationBatch, CheckCase, RectificationSubmission, Evidence, SignOff), ``notices`` (Notice = 文书 + 送达),
  ``revocation`` (RevocationCase). States move only through django-fsm transitions.
* ``services/`` — writes: ``checks`` (batch, rectification, accept/review/approve), ``notices`` (delivery),
  ``revocation`` (M56), ``licences`` (suspension scale, restoration, extension), ``run_sweeps`` (date sweep).
* ``selectors`` — scoped reads and the guards other modules call (docs/contracts.md §6).
* ``rules`` — the DMN tables in ``decisions/tables/enterprises/``.
* ``workflow`` / ``process_services`` — the BPMN side: ``processes/models/qualification_dynamic_check``
  (shared by qualifications and licences), ``processes/models/revocation``,
  ``processes/models/safety_licence_suspension``.
* ``paperwork`` — sealed PDFs through ``documents``; ``demo`` — the demo world.
"""
