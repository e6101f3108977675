from typing import Any

from django import forms

from appui.diagnostics.bank import QuestionBank
from appui.web.forms import AppuiForm, InlineRadioSelect


class WorkerDiagnosticForm(AppuiForm):
    """The whole diagnostic on one page, filled by the worker during a conversation with the person.

    One required radio group per question, "ne souhaite pas répondre" included; no answer is preselected, so
    nothing is recorded that the person did not say. Roles that may not read the situation do not get the
    obstacle questions.
    """

    def __init__(self, *args: Any, bank: QuestionBank, ask_obstacles: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.bank = bank
        self.questions = [q for q in bank.questions if q.is_skill or ask_obstacles]
        for question in self.questions:
            self.fields[question.id] = forms.ChoiceField(
                label=question.prompt,
                help_text=question.help,
                choices=[(choice.value, choice.worker_label) for choice in question.choices],
                widget=InlineRadioSelect,
                error_messages={"required": "Choisissez une réponse (ou « Ne souhaite pas répondre »)."},
            )

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """Return (title, description, fields) for the obstacle questions, then for each DigComp area."""
        result = []
        obstacles = [self[q.id] for q in self.questions if not q.is_skill]
        if obstacles:
            result.append(("Freins", "Équipement, connexion, lecture, langue ou handicap.", obstacles))
        for area in self.bank.areas:
            fields = [self[q.id] for q in self.questions if q.area == area.code]
            result.append((area.plain_label, f"Domaine {area.code} de DigComp : {area.label}", fields))
        return result

    def answers(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}
