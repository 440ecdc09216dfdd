"""The shared report helpers: SVG charts escape labels, CSV cells never start a formula."""
import csv
import io

from app.reports import bar_chart, csv_response


def test_bar_chart_draws_one_bar_per_row_and_escapes_labels():
    svg = str(bar_chart([("Steel", 4), ("<script>", 2), ("Power", 0)], title="Needs by industry"))
    assert svg.count("<rect") == 3
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title>Needs by industry</title>" in svg


def test_csv_response_neutralises_formulas_and_keeps_chinese(app):
    with app.test_request_context():
        response = csv_response("report.csv", ["name", "count"], [["=HYPERLINK(1)", 3], ["钢铁", 5]])
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["name", "count"], ["'=HYPERLINK(1)", "3"], ["钢铁", "5"]]
    assert response.headers["Content-Disposition"] == 'attachment; filename="report.csv"'
