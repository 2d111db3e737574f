"""Which rules apply to a licence, and the services signature licences of one shape share."""

from __future__ import annotations

from vats.model.licence import Licence, Site
from vats.reference.rules_library import Rule

NO_PROFILE: frozenset[str] = frozenset()
# conditions the rule's trigger event establishes (a cross-regional licence granted), not the profile
EVENT_CONDITIONS = frozenset({"holds_cross_regional"})


def rule_applies(rule: Rule, licence: Licence, profile: frozenset[str] = frozenset()) -> bool:
    """Whether a rule applies to a licence (services, sub-types, provincial/cross-regional scope) held
    by an organisation whose profile sets `profile` (a rule's conditions must all be set)."""
    a = rule.applies
    if a.conditions and not profile.issuperset(c for c in a.conditions if c not in EVENT_CONDITIONS):
        return False
    if a.scope == "provincial" and licence.number_info is not None and licence.number_info.cross_regional:
        return False
    if a.scope == "cross_regional" and (
        licence.number_info is None or not licence.number_info.cross_regional
    ):
        return False
    services = licence.services
    if a.services:
        services = tuple(
            s for s in services if any(s.code == c or s.code.startswith(c + "-") for c in a.services)
        )
        if not services:
            return False
    if a.subtypes:
        return any(
            st in (*s.limited_to, *s.includes) and st not in s.excludes for s in services for st in a.subtypes
        )
    return True


def rule_sites(rule: Rule, licence: Licence) -> list[Site]:
    kinds = rule.applies.site_kinds
    return [s for s in licence.sites if not kinds or s.kind.value in kinds]


def services_signature(licence: Licence) -> tuple[str, ...]:
    """What applicability and the shared explanation heads depend on: codes, qualifiers, exclusions."""
    return tuple(
        f"{s.code}:{'/'.join(s.limited_to)}:{'/'.join(s.includes)}:{'/'.join(s.excludes)}"
        for s in licence.services
    )


def rule_wording(rule: Rule, sig: tuple[str, ...]) -> tuple[str, ...]:
    """See `RunContext.wording`."""
    if rule.lists_scope:
        return sig
    if not rule.applies.services:
        return ()
    codes = rule.applies.services
    return tuple(
        entry for entry in sig if any(entry.split(":", 1)[0] == c or entry.startswith(c + "-") for c in codes)
    )
