"""Pages of the assistance cases under /cases/."""

from __future__ import annotations

from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/visit/", views.visit_form, name="visit"),
    path("<int:case_id>/note/", views.case_note, name="note"),
    path("<int:case_id>/group/", views.case_member_add, name="member_add"),
    path("<int:case_id>/group/<int:member_id>/remove/", views.case_member_remove, name="member_remove"),
    path("<int:case_id>/agreement/", views.case_agreement, name="agreement"),
    path("<int:case_id>/risk/", views.case_risk, name="risk"),
    path("<int:case_id>/settlement/", views.case_settlement, name="settlement"),
    path("<int:case_id>/transfer/", views.case_transfer, name="transfer_request"),
    path("<int:case_id>/lost-contact/", views.case_lost_contact, name="lost_contact"),
    path("<int:case_id>/contact-restored/", views.case_contact_restored, name="contact_restored"),
    path("<int:case_id>/trace/", views.case_trace, name="trace"),
    path("<int:case_id>/close/", views.case_close, name="close"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_detail, name="transfer"),
    path("transfers/<int:transfer_id>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:transfer_id>/decline/", views.transfer_decline, name="transfer_decline"),
    path("traces/", views.traces, name="traces"),
    path("traces/incoming/", views.traces, {"tab": "incoming"}, name="traces_incoming"),
    path("traces/outgoing/", views.traces, {"tab": "outgoing"}, name="traces_outgoing"),
    path("traces/escalated/", views.traces, {"tab": "escalated"}, name="traces_escalated"),
    path("traces/<int:trace_id>/respond/", views.trace_respond, name="trace_respond"),
    path("worklist/", views.worklist, name="worklist"),
]
