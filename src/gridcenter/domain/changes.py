"""What a row of the change log is about: writers name it, the live feed reads it."""

from enum import StrEnum


class ChangeKind(StrEnum):
    CASE = "case"  # ref: the case's code
    ALERT = "alert"  # ref: an alert's id, or how many were raised
    INTAKE = "intake"  # ref: the intake source
    WEBHOOK = "webhook"  # ref: the delivery
    SENSOR = "sensor"  # ref: how many readings were stored
    FIELDWORK = "fieldwork"  # ref: how many patrols and visits were stored
    STAFF = "staff"  # ref: how many people changed
    ROSTER = "roster"  # ref: a shift's number, a post's code, or how many shifts changed
    SEED = "seed"  # ref: demo or generated data
    TERRITORY = "territory"  # ref: the district; names and places moved: every pane reads
