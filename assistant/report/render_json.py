"""The report as JSON: the SPEC §7 contract plus the words and findings.

Contract (field names must not change): ``{"framework": id, "reviews": N, "criteria":
[{"id", "sufficient", "relevant", "reasons": {reason_id: count}, ...}], ...}``.  The reviews
behind each figure are left out (a dashboard reads ``Report`` directly); case references
appear only with quotable notes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.report.figures import CriterionFigures, Finding, Report

__all__ = ["render_json", "to_dict"]

FORMAT = "case-review-report/1"
# json.dumps escapes C0 controls itself; these it would write raw (DEL, C1, bidi overrides).
_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _finding(f: Finding) -> dict[str, Any]:
    return {"criterion": f.criterion, "section": f.section, "text": f.text}


def _criterion(c: CriterionFigures) -> dict[str, Any]:
    return {
        "id": c.id,
        "section": c.section,
        "title": c.title,
        "severity": c.severity,
        "sufficient": c.sufficient,
        "insufficient": c.insufficient,
        "partly": c.partly,
        "relevant": c.relevant,
        "not_applicable": c.not_applicable,
        "percent": c.percent,
        "proportion": c.proportion,
        "count_words": c.count_words,
        "finding": c.finding,
        "band": c.band.id if c.band else None,
        "band_label": c.band.label if c.band else None,
        "reasons": c.reason_counts(),
        "insufficient_without_reason": c.no_reason,
        "views": c.views,
        "disagreements": c.disagreements,
        "agreement": c.agreement.as_json() if c.agreement else None,
        "quotable": [
            {"case_ref": q.case_ref, "outcome": q.outcome, "note": q.note} for q in c.quotes
        ],
    }


def to_dict(report: Report) -> dict[str, Any]:
    f = report.filters
    return {
        "format": FORMAT,
        "framework": report.framework_id,
        "framework_title": report.framework_title,
        "framework_version": report.framework_version,
        "generated_at": report.generated_at.isoformat(),
        "filters": {
            "team": f.team,
            "since": f.since.isoformat() if f.since else None,
            "until": f.until.isoformat() if f.until else None,
            "latest": f.latest,
        },
        "reviews": report.reviews,
        "cases": report.cases,
        "teams": list(report.teams),
        "first_completed": report.first_completed.isoformat() if report.first_completed else None,
        "last_completed": report.last_completed.isoformat() if report.last_completed else None,
        "not_counted": dict(report.left_out),
        "rating": {
            "local_policy": report.rating.local_policy,
            "note": report.rating.note,
            "bands": [
                {"id": b.id, "label": b.label, "min_percent": b.min_percent}
                for b in report.rating.bands
            ],
        },
        "criteria": [_criterion(c) for c in report.criteria],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "sufficient": s.sufficient,
                "relevant": s.relevant,
                "percent": s.percent,
                "band": s.band.id if s.band else None,
                "summary": s.summary,
                "criteria": [c.id for c in s.criteria],
                "strengths": [_finding(x) for x in s.strengths],
                "areas": [_finding(x) for x in s.areas],
            }
            for s in report.sections
        ],
        "strengths": [_finding(x) for x in report.strengths],
        "areas": [_finding(x) for x in report.areas],
        "recurring": [
            {"id": r.id, "label": r.label, "count": r.count, "criteria": list(r.criteria)}
            for r in report.recurring
        ],
        "disagreements": report.disagreements,
        "agreement": report.agreement.as_json() if report.agreement else None,
        "agreement_lowest_first": [c.id for c in report.lowest_agreement()],
        "countersigning": report.countersigning.as_json() if report.countersigning else None,
        "min_cases": report.min_cases,
        "notes": list(report.notes),
        "problems": list(report.problems),
    }


def render_json(report: Report) -> str:
    text = json.dumps(to_dict(report), indent=2, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
