package org.resnetspark.experiments;

import java.util.List;

/**
 * Several reports on one page, each a section with its own table and charts: one question each,
 * so that no chart has to hold every run (the results of docs/results/ are such a page).
 */
public record ReportPage(String title, String note, List<Report> sections) {

    public ReportPage {
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("A report page needs at least one section");
        }
    }

    public String html() {
        StringBuilder body = new StringBuilder("<h1>").append(SvgChart.escape(title)).append("</h1>\n");
        if (note != null) {
            body.append("<p class=\"lead-note\">").append(SvgChart.escape(note)).append("</p>\n");
        }
        for (Report section : sections) {
            body.append("<section class=\"report\">\n").append(section.body("h2")).append("</section>\n");
        }
        return Report.page(title, body.toString());
    }

    /** One table: a section column (the section's title), then the report's columns. */
    public String csv() {
        StringBuilder csv = new StringBuilder("section,");
        for (Report section : sections) {
            String[] lines = section.csv().split("\n");
            if (csv.length() == "section,".length()) {
                csv.append(lines[0]).append('\n');
            }
            String cell = "\"" + section.title().replace("\"", "\"\"") + "\"";
            for (int i = 1; i < lines.length; i++) {
                csv.append(cell).append(',').append(lines[i]).append('\n');
            }
        }
        return csv.toString();
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        if (note != null) {
            md.append(note).append("\n\n");
        }
        sections.forEach(section -> md.append(section.markdown("##")).append('\n'));
        return md.toString();
    }
}
