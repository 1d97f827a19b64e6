"""The SVG charts of the reports: well-formed, escaped, and bars in proportion to the figures."""

import xml.etree.ElementTree as ET

import pytest

from dashboards import charts

NS = {"svg": "http://www.w3.org/2000/svg"}
GROUPS = [
    charts.Segment("normal", "ปกติ", charts.NORMAL),
    charts.Segment("risk", "เสี่ยง", charts.RISK),
    charts.Segment("problem", "มีปัญหา", charts.PROBLEM),
    charts.Segment("not_screened", "ยังไม่คัดกรอง", charts.NOT_SCREENED),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own markup


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iterfind(".//svg:text", NS)]


def grey(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue


class TestStackedBars:
    def test_segments_are_as_wide_as_their_share_of_the_row(self):
        root = parse(
            charts.stacked_bars(
                [("อำเภอเมือง", {"normal": 600, "risk": 200, "problem": 100, "not_screened": 100})],
                GROUPS,
            )
        )
        segments = root.findall(".//svg:rect[@class='seg']", NS)
        widths = {s.get("data-key"): float(s.get("width")) for s in segments}
        whole = sum(widths.values())
        assert widths["normal"] / whole == pytest.approx(0.6, abs=0.001)
        assert widths["risk"] / whole == pytest.approx(0.2, abs=0.001)
        assert widths["problem"] / whole == pytest.approx(0.1, abs=0.001)
        assert widths["not_screened"] / whole == pytest.approx(0.1, abs=0.001)
        # Side by side, in the order given, and within the chart.
        xs = [float(s.get("x")) for s in segments]
        assert xs == sorted(xs)
        assert xs[-1] + widths["not_screened"] <= charts.WIDTH
        assert "60.0%" in texts(root)

    def test_every_row_is_full_width_whatever_its_total(self):
        root = parse(
            charts.stacked_bars(
                [("A", {"normal": 10, "risk": 10}), ("B", {"normal": 3000, "problem": 1000})],
                GROUPS,
            )
        )
        rows: dict[str, float] = {}
        for seg in root.findall(".//svg:rect[@class='seg']", NS):
            rows[seg.get("y")] = rows.get(seg.get("y"), 0) + float(seg.get("width"))
        first, second = rows.values()
        assert first == pytest.approx(second, abs=0.05)

    def test_an_empty_row_is_drawn_as_a_dash_and_the_legend_has_counts(self):
        root = parse(
            charts.stacked_bars([("", {})], GROUPS, legend_counts={"normal": 1234, "risk": 5})
        )
        assert root.findall(".//svg:rect[@class='seg']", NS) == []
        assert "—" in texts(root)
        assert "ปกติ 1,234" in texts(root)
        assert "เสี่ยง 5" in texts(root)

    def test_narrow_segments_have_no_label_that_would_overflow(self):
        root = parse(charts.stacked_bars([("", {"normal": 999, "problem": 1})], GROUPS))
        assert "99.9%" in texts(root)
        assert "0.1%" not in texts(root)


class TestShareBars:
    def test_bar_widths_are_proportional_and_the_target_is_a_dashed_line(self):
        root = parse(
            charts.share_bars(
                [("หนึ่ง", 90.0), ("สอง", 45.0), ("สาม", None)],
                target=80,
                met_label="met",
                below_label="below",
                target_label="target 80%",
            )
        )
        bars = root.findall(".//svg:rect[@class='bar']", NS)
        assert [float(b.get("data-value")) for b in bars] == [90.0, 45.0]
        first, second = (float(b.get("width")) for b in bars)
        assert first / second == pytest.approx(2.0, rel=0.001)
        target = root.find(".//svg:line[@class='target']", NS)
        assert target.get("stroke-dasharray")
        # The line stands at 80% of the scale (from the bars' left edge).
        left = float(bars[0].get("x"))
        full = first / 0.9
        assert float(target.get("x1")) - left == pytest.approx(0.8 * full, rel=0.001)
        # Above the target dark, below it light: apart in grey too.
        assert grey(bars[0].get("fill")) < 100 < grey(bars[1].get("fill"))
        # A missing share shows a dash, and every bar its value.
        assert {"90.0%", "45.0%", "—", "target 80%"} <= set(texts(root))

    def test_values_beyond_the_scale_stay_inside_the_chart(self):
        root = parse(charts.share_bars([("A", 100.0)], target=None))
        bar = root.find(".//svg:rect[@class='bar']", NS)
        assert float(bar.get("x")) + float(bar.get("width")) < charts.WIDTH
        assert root.find(".//svg:line[@class='target']", NS) is None


class TestTrendLines:
    def test_points_follow_the_values_and_gaps_are_skipped(self):
        root = parse(
            charts.trend_lines(
                ["1/2567", "2/2567", "1/2568"],
                [charts.Series("คัดกรอง", [50.0, None, 100.0])],
                target=80,
            )
        )
        line = root.find(".//svg:polyline[@class='line']", NS)
        points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        assert len(points) == 2
        (x1, y1), (x2, y2) = points
        zero_y = y1 + (y1 - y2)  # 50% is half-way between 0% and 100%
        assert x2 > x1
        assert {"1/2567", "1/2568", "50.0%", "100.0%", "คัดกรอง"} <= set(texts(root))
        target_y = float(root.find(".//svg:line[@class='target']", NS).get("y1"))
        assert (zero_y - target_y) / (zero_y - y2) == pytest.approx(0.8, abs=0.01)


class TestText:
    def test_labels_are_escaped(self):
        svg = charts.share_bars([('<b>"A" & B</b>', 10.0)], title='x"<y>')
        root = parse(svg)  # would raise on unescaped markup
        assert '<b>"A" & B</b>' in texts(root)
        assert root.get("aria-label") == 'x"<y>'

    def test_long_labels_are_cut_without_leaving_a_mark_alone(self):
        label = "กลุ่มเครือข่ายพัฒนาคุณภาพการศึกษาที่ 12 อำเภอเมืองขอนแก่น ตำบลในเมือง"
        root = parse(charts.share_bars([(label, 10.0)]))
        shown = texts(root)[5]  # after the five ticks of the scale
        assert shown.endswith("…") and len(shown) < len(label)
        assert label.startswith(shown[:-1])

    def test_every_chart_has_a_fixed_viewbox_and_the_pdf_font(self):
        for svg in (
            charts.stacked_bars([("", {"normal": 1})], GROUPS),
            charts.share_bars([("A", 1.0)]),
            charts.trend_lines(["1/2568"], [charts.Series("A", [1.0])]),
        ):
            root = parse(svg)
            assert root.get("viewBox").startswith(f"0 0 {charts.WIDTH} ")
            assert root.get("font-family") == "Sarabun"

    def test_group_colours_differ_in_grey(self):
        levels = sorted(grey(c) for c in (charts.NORMAL, charts.RISK, charts.PROBLEM, "#ffffff"))
        assert min(b - a for a, b in zip(levels, levels[1:], strict=False)) >= 30
