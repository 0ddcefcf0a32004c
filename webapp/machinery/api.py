"""Machinery API: the scoped machine query and one machine with its registrations."""

from __future__ import annotations

from django.http import Http404
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from domain.errors import NotVisibleError
from domain.machinery import selectors
from domain.machinery.models import Machine, UseRegistration
from webapp.acting import acting_user


class RegistrationOut(serializers.ModelSerializer):
    site_name = serializers.CharField(source="installation.site_name")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = UseRegistration
        fields = ["id", "registration_number", "national_code", "site_name", "state", "state_label",
                  "inspection_valid_until"]


class MachineOut(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name")
    type_label = serializers.CharField(source="get_machine_type_display")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Machine
        fields = ["id", "filing_number", "machine_type", "type_label", "model_name", "manufacturer",
                  "factory_serial_no", "factory_date", "rated_capacity", "owner", "state", "state_label"]


class MachineDetailOut(MachineOut):
    registrations = serializers.SerializerMethodField()

    class Meta(MachineOut.Meta):
        fields = [*MachineOut.Meta.fields, "registrations"]

    def get_registrations(self, machine: Machine) -> list[dict]:
        """The machine's use registrations the caller may see (as on the machine's page): the owner sees them
        all, a main contractor its own sites', a district its district's — not other parties' sites."""
        user = acting_user(self.context["request"])
        visible = selectors.registrations_visible_to(user).filter(machine=machine).order_by("id")
        return RegistrationOut(visible, many=True).data  # type: ignore[return-value]


class MachineListView(generics.ListAPIView):
    """Machines the caller may see; filters ``text``, ``machine_type``, ``state``, ``owner``, ``site``."""

    serializer_class = MachineOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        p = self.request.query_params
        return selectors.search_machines(
            acting_user(self.request),
            **{k: p.get(k, "").strip() for k in ("text", "machine_type", "state", "owner", "site")},
        )


class MachineDetailView(generics.RetrieveAPIView):
    serializer_class = MachineDetailOut
    permission_classes = [IsAuthenticated]

    def get_object(self) -> Machine:
        try:
            return selectors.get_machine(acting_user(self.request), int(self.kwargs["pk"]))
        except NotVisibleError as exc:
            raise Http404(exc.message) from exc
