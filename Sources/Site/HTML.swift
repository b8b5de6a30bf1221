import Charts

/// Escapes text for HTML element content and attribute values: `& < > " '` as entities, and
/// control characters other than tab and newline (not allowed in HTML text) dropped. Byte by
/// byte, so that a quote followed by a combining mark is still a quote (escaping by `Character`,
/// as Mustache's own HTML escaping does, leaves `"` + U+0338 whole and unescaped, and an
/// attribute value open); text with nothing to escape, nearly all of it, is returned as it is.
func esc(_ text: String) -> String {
    @inline(__always) func special(_ byte: UInt8) -> Bool {
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 || (byte < 0x20 && byte != 0x0A && byte != 0x09)
    }
    var text = text
    let escaped: String? = text.withUTF8 { bytes in
        guard let first = bytes.firstIndex(where: special) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        output.append(contentsOf: bytes[..<first])
        for byte in bytes[first...] {
            switch byte {
            case 0x26: output.append(contentsOf: "&amp;".utf8)
            case 0x3C: output.append(contentsOf: "&lt;".utf8)
            case 0x3E: output.append(contentsOf: "&gt;".utf8)
            case 0x22: output.append(contentsOf: "&quot;".utf8)
            case 0x27: output.append(contentsOf: "&#39;".utf8)
            case _ where byte < 0x20 && byte != 0x0A && byte != 0x09: continue
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
    return escaped ?? text
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
