"""verify's generated world for a declared lookup column (the sample's 'Campaigns'[campaign_type],
carried by the view of 'Order Summary'): the lookup table has rows, the view column holds the
related row's value, and the world has every case DAX treats apart: a matched value the measures
compare with, a matched row whose value is BLANK, a key no row matches and a BLANK key (the blank
row's NULLs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from translator.pipeline import plan
from translator.verify.run import generate_world

SAMPLE = Path(__file__).resolve().parents[2] / "pbix_exports"


@pytest.fixture(scope="module")
def world():
    planned = plan(SAMPLE)
    return generate_world(planned.catalog, planned.compiled, planned.parsed, planned.mapping_file, 60, 7), planned


def test_the_view_carries_the_related_rows_value(world):
    generated, planned = world
    campaigns = generated.frames[planned.compiled[0].export]["Campaigns"]
    types = dict(zip(campaigns["campaign_id"], campaigns["campaign_type"]))
    view = generated.sources["order_summary"]
    assert "campaign_type" in [c.name for c in view.columns]
    pairs = list(zip(view.frame["campaign_id"], view.frame["campaign_type"]))
    assert all(value == types.get(key) for key, value in pairs)
    kinds = {
        "compared": any(isinstance(v, str) and v.casefold() == "trial" for _, v in pairs),
        "blank value": any(k in types and types[k] is None for k, _ in pairs),
        "unmatched key": any(k is not None and k not in types for k, _ in pairs),
        "blank key": any(k is None for k, _ in pairs),
    }
    assert kinds == dict.fromkeys(kinds, True)
