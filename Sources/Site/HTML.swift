import Charts

/// Escapes text for HTML element content and attribute values.
func esc(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": output += "&amp;"
        case "<": output += "&lt;"
        case ">": output += "&gt;"
        case "\"": output += "&quot;"
        case "'": output += "&#39;"
        default:
            // Control characters other than tab and newline are not allowed in HTML text.
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { continue }
            output.unicodeScalars.append(scalar)
        }
    }
    return output
}

/// A chart as the page shows it: the SVG, a caption with its note, and the data table behind
/// a disclosure (printed open).
func figureHTML(_ chart: Chart) throws -> String {
    var html = "<figure class=\"chart-figure\" id=\"fig-\(esc(chart.id))\">\n"
    html += "<div class=\"chart-scroll\" tabindex=\"0\">" + (try chart.renderSVG()) + "</div>"
    // The data table before the caption: a figcaption must be the figure's first or last child.
    html += "\n<details class=\"data-table\"><summary>Data table</summary>\n" + tableHTML(chart.table, caption: chart.title) + "</details>\n"
    html += "<figcaption><strong>\(esc(chart.title))</strong> \(esc(chart.description))"
    if let note = chart.note { html += " <span class=\"note\">\(esc(note))</span>" }
    html += "</figcaption>\n</figure>\n"
    return html
}

/// A table's opening, up to its body: the wrapper, the caption and the column headers (escaped).
/// Tables scroll sideways inside `.table-wrap` on a narrow screen, charts inside `.chart-scroll`;
/// the wrapper takes the keyboard focus (here and in the templates' tables), so that it can be
/// scrolled without a mouse.
func tableOpening(className: String = "figures", caption: String?, columns: [String]) -> String {
    var html = "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"\(className)\">"
    if let caption { html += "<caption>\(esc(caption))</caption>" }
    return html + "<thead><tr>" + columns.map { "<th scope=\"col\">\(esc($0))</th>" }.joined() + "</tr></thead><tbody>\n"
}

func tableHTML(_ table: DataTable, caption: String? = nil, className: String = "figures") -> String {
    var html = tableOpening(className: className, caption: caption, columns: table.columns)
    for row in table.rows {
        html += "<tr>"
        for (index, cell) in row.enumerated() {
            html += index == 0 ? "<th scope=\"row\">\(esc(cell))</th>" : "<td>\(esc(cell))</td>"
        }
        html += "</tr>\n"
    }
    return html + "</tbody></table></div>\n"
}
