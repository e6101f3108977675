"""Person pages: search, record, create, edit, household, consultation history."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from appui.accompaniments.access import accompaniments_visible_by, present_accompaniment
from appui.accounts import policy
from appui.accounts.access import referent_choices
from appui.core.versions import StaleVersionError
from appui.documents.access import can_handle_documents
from appui.documents.selectors import documents_of_person
from appui.mandates.access import mandates_visible_by
from appui.orientations.access import can_orient, referrals_visible_by
from appui.people import services
from appui.people.access import access_household_member, access_person, persons_visible_by, present_person
from appui.people.enums import FamilySituation, Relationship
from appui.people.retention import planned_archiving
from appui.people.selectors import household_members, household_version, person_search
from appui.reporting.selectors import person_audit_trail
from appui.rights.access import can_screen, follow_ups_visible_by
from appui.web.forms import AppuiForm, InlineRadioSelect
from appui.web.middleware import membership_required

from .forms import AnonymousPersonForm, HouseholdMemberForm, PersonForm, SearchForm

PAGE_SIZE = 20


@membership_required
def person_list(request: HttpRequest) -> HttpResponse:
    """Search persons by name, birth year, file number, phone or e-mail; htmx asks for the results fragment only.

    When no name matches exactly, the persons with similar names are shown, marked as approximate.
    """
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    persons = (
        persons_visible_by(request.membership)  # type: ignore[attr-defined]
        .named()
        .only("id", "last_name", "first_name", "birth_date", "birth_year", "file_number", "commune_code")
    )
    found: Any = persons
    approximate = False
    if query:
        found = person_search(persons, query, structure_id=request.membership.structure_id)  # type: ignore[attr-defined]
        approximate = found.approximate
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "query": query,
        "page": page,
        "approximate": approximate,
        "title": "Personnes",
        "nav": "people",
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/people/_results.html", context)
    return render(request, "web/people/list.html", context)


@membership_required
def person_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_write_person(membership):
        raise PermissionDenied
    show_situation = policy.can_view_situation(membership)
    initial: dict[str, Any] = {"referents": [membership.user]}
    from_member = request.GET.get("membre_du_foyer")
    if from_member and show_situation:
        # A household member becomes a followed person: their name, birth date and the household's address.
        member = access_household_member(membership=membership, pk=from_member)
        holder = member.household.person
        initial.update(
            {
                "first_name": member.first_name,
                "last_name": member.last_name or holder.last_name,
                "birth_date": member.birth_date,
                "address": holder.address,
                "postal_code": holder.postal_code,
                "commune_code": holder.commune_code,
                "phone": "",
            }
        )
    form = PersonForm(
        request.POST or None,
        initial=initial,
        referent_choices=referent_choices(membership),
        show_situation=show_situation,
    )
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                membership=membership,
                fields=form.service_fields(),
                confirmed_duplicates=form.cleaned_data["confirmed_duplicates"],
            )
        except services.DuplicatePersonError as exc:
            # Everything typed is shown again; creating now confirms these candidates, and only these.
            duplicates = exc.duplicates
            form.data = form.data.copy()
            form.data["confirmed_duplicates"] = ",".join(str(d.pk) for d in duplicates)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"La fiche de {person} a été créée (dossier n° {person.file_number}).")
            return redirect("web:person_detail", person_pk=person.pk)
    return render(
        request,
        "web/people/form.html",
        {"form": form, "duplicates": duplicates, "title": "Nouvelle personne", "nav": "person_create"},
    )


@membership_required
def anonymous_create(request: HttpRequest) -> HttpResponse:
    """Create a quick anonymous record for a one-off help, then go straight to the accompaniment entry."""
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied
    form = AnonymousPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_anonymous_create(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Fiche anonyme créée : enregistrez maintenant l'aide apportée.")
            return redirect("web:accompaniment_create", person_pk=person.pk)
    return render(
        request, "web/people/anonymous_form.html", {"form": form, "title": "Aide ponctuelle", "nav": "anonymous"}
    )


@membership_required
def person_detail(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    accompaniments = (
        accompaniments_visible_by(membership)
        .for_person(person.pk)
        .select_related("author", "place")
        .order_by("-date", "-id")
    )
    page = Paginator(accompaniments, 30).get_page(request.GET.get("page"))
    household = getattr(person, "household", None)
    return render(
        request,
        "web/people/detail.html",
        {
            "person": present_person(membership, person),
            "timeline": [present_accompaniment(membership, a) for a in page],
            "page": page,
            "household_members": household.members_by_age() if household else [],
            "household_version": household.version if household else 0,
            "can_edit": policy.can_write_person(membership) and not person.is_anonymous,
            "can_record": policy.can_record_accompaniment(membership),
            "can_view_history": policy.can_view_consultation_history(membership),
            "referents": list(person.referents.all()),
            "planned_archiving": planned_archiving(person, membership.structure),
            "mandates": list(mandates_visible_by(membership).for_person(person.pk)),
            "can_handle_documents": can_handle_documents(membership) and not person.is_anonymous,
            "documents": list(documents_of_person(membership, person)[:20]) if can_handle_documents(membership) else [],
            "can_mandate": policy.can_act_under_mandate(membership) and not person.is_anonymous,
            "can_orient": can_orient(membership),
            "referrals": list(referrals_visible_by(membership).for_person(person.pk).select_related("place")[:20])
            if can_orient(membership)
            else [],
            "can_screen": can_screen(membership),
            "right_follow_ups": list(follow_ups_visible_by(membership).for_person(person.pk).order_by("benefit"))
            if can_screen(membership)
            else [],
            "today": timezone.localdate(),
            "title": str(person),
            "nav": "people",
        },
    )


def _person_initial(person: Any) -> dict[str, Any]:
    initial = {name: getattr(person, name) for name in PersonForm.base_fields if hasattr(person, name)}
    initial["referents"] = list(person.referents.all())
    return initial


@membership_required
def person_edit(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Edit a person; a record changed since the form was opened answers 409 with the differences (nothing saved)."""
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if not policy.can_write_person(membership) or person.is_anonymous:
        raise PermissionDenied
    form = PersonForm(
        request.POST or None,
        initial=_person_initial(person),
        referent_choices=referent_choices(membership),
        show_situation=policy.can_view_situation(membership),
        creating=False,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                membership=membership,
                person=person,
                fields=form.service_fields(),
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersionError:
            # Read again through the one way in: the record may have left the member's reach meanwhile.
            current = access_person(membership=membership, pk=person_pk, record_read=False)
            form.show_stale(now=_person_initial(current), version=current.version)
            status = 409
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Les modifications ont été enregistrées.")
            return redirect("web:person_detail", person_pk=person.pk)
    return render(
        request,
        "web/people/form.html",
        {"form": form, "person": person, "title": f"Modifier {person}", "nav": "people"},
        status=status,
    )


@membership_required
def household_member_add(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if not policy.can_view_situation(membership) or person.is_anonymous:
        raise PermissionDenied
    form = HouseholdMemberForm(request.POST or None, initial={"version": household_version(person)})
    status = 200
    members = None
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        expected_version = fields.pop("version")
        try:
            services.household_member_add(
                membership=membership, person=person, expected_version=expected_version, **fields
            )
        except StaleVersionError:
            # Another member of the team changed the household: show who is in it now, keep what was typed.
            form.show_stale(now={}, version=household_version(person))
            members = household_members(person)
            status = 409
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Le membre du foyer a été ajouté.")
            if form.cleaned_data["relationship"] == Relationship.SPOUSE and person.family_situation not in COUPLE:
                # A spouse added to a household whose holder is not recorded as living in a couple: ask.
                return redirect("web:household_situation", person_pk=person.pk)
            if "add_another" in request.POST:
                return redirect("web:household_member_add", person_pk=person.pk)
            return redirect("web:person_detail", person_pk=person.pk)
    return render(
        request,
        "web/people/household_member_form.html",
        {
            "form": form,
            "person": person,
            "current_members": members,
            "title": f"Ajouter un membre au foyer de {person}",
            "nav": "people",
        },
        status=status,
    )


COUPLE = {FamilySituation.COUPLE, FamilySituation.MARRIED, FamilySituation.PACSED}


class FamilySituationForm(AppuiForm):
    family_situation = forms.ChoiceField(
        label="Situation familiale",
        choices=[(c.value, c.label) for c in FamilySituation if c in COUPLE],
        widget=InlineRadioSelect,
    )


@membership_required
def household_situation(request: HttpRequest, person_pk: int) -> HttpResponse:
    """After adding a spouse: propose to update the family situation (one click, or keep it as it is)."""
    membership = request.membership  # type: ignore[attr-defined]
    person = access_person(membership=membership, pk=person_pk)
    if not policy.can_write_person(membership) or not policy.can_view_situation(membership) or person.is_anonymous:
        raise PermissionDenied
    form = FamilySituationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                membership=membership, person=person, fields=form.cleaned_data, expected_version=person.version
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "La situation familiale est mise à jour.")
            return redirect("web:person_detail", person_pk=person.pk)
    return render(
        request,
        "web/people/household_situation.html",
        {"form": form, "person": person, "title": f"Situation familiale de {person}", "nav": "people"},
    )


@require_POST
@membership_required
def household_member_remove(request: HttpRequest, member_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    member = access_household_member(membership=membership, pk=member_pk)
    person = member.household.person
    version = request.POST.get("version", "")
    try:
        services.household_member_remove(
            membership=membership, member=member, expected_version=int(version) if version.isdigit() else -1
        )
    except StaleVersionError:
        return render(
            request,
            "web/people/household_stale.html",
            {
                "person": person,
                "current_members": household_members(person),
                "title": f"Le foyer de {person} a été modifié entre-temps",
                "nav": "people",
            },
            status=409,
        )
    messages.success(request, "Le membre a été retiré du foyer.")
    return redirect("web:person_detail", person_pk=person.pk)


@membership_required
def person_history(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Show who consulted or changed the record, when, and why (responsable and DPO)."""
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_view_consultation_history(membership):
        access_person(membership=membership, pk=person_pk, record_read=False)
        raise PermissionDenied
    person = access_person(membership=membership, pk=person_pk)
    events = person_audit_trail(person)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/people/history.html",
        {"person": person, "page": page, "title": f"Historique des consultations — {person}", "nav": "people"},
    )


@membership_required
def information_notice(request: HttpRequest) -> HttpResponse:
    """Show the printable information notice (RGPD art. 13) of the member's structure."""
    easy = request.GET.get("version") == "facile"
    return render(
        request,
        "web/people/notice_easy.html" if easy else "web/people/notice.html",
        {
            "structure": request.membership.structure,  # type: ignore[attr-defined]
            "title": "Vos données : la version facile à lire" if easy else "Notice d'information",
        },
    )
