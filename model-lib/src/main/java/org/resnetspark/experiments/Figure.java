package org.resnetspark.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Charts about the same series side by side, each answering one question, above one legend: a
 * series keeps its colour and dash in every chart, so its name is listed once, however many runs.
 */
public record Figure(String id, String heading, List<SvgChart> charts) {

    public Figure {
        charts = charts.stream().filter(chart -> !chart.isEmpty()).toList();
    }

    public boolean isEmpty() {
        return charts.isEmpty();
    }

    /** Every series of the charts once, by style: the legend's entries. */
    public List<SvgChart.Series> legend() {
        Map<Integer, SvgChart.Series> byStyle = new LinkedHashMap<>();
        charts.forEach(chart -> chart.series().forEach(s -> byStyle.putIfAbsent(s.style(), s)));
        List<SvgChart.Series> entries = new ArrayList<>(byStyle.values());
        entries.sort((a, b) -> Integer.compare(a.style(), b.style()));
        return entries;
    }

    public String render() {
        StringBuilder html = new StringBuilder("<section class=\"figure\" id=\"").append(SvgChart.escape(id)).append("\">\n<h2>")
                .append(SvgChart.escape(heading)).append("</h2>\n<div class=\"charts\">\n");
        charts.forEach(chart -> html.append(chart.render()));
        html.append("</div>\n<ul class=\"legend\">");
        for (SvgChart.Series s : legend()) {
            html.append("<li>").append(SvgChart.swatch(s.style())).append(SvgChart.escape(s.name())).append("</li>");
        }
        return html.append("</ul>\n</section>\n").toString();
    }
}
