import ArgumentParser
import Charts
import Foundation
import SVG

struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Render every chart kind on sample data into one page, to look at them.",
        discussion: reflow("""
        Writes DIR/index.html with the default theme's stylesheet, so the charts look as they do
        in a report (light or dark, as the browser prefers).

        Example:
          candor gallery /tmp/gallery && open /tmp/gallery/index.html
        """))

    @Argument(help: ArgumentHelp("Folder to write the gallery into.", valueName: "folder"))
    var folder: String

    @Option(name: .long, help: ArgumentHelp("Theme folder whose assets/style.css is used.", valueName: "folder"))
    var theme: String?

    func run() throws {
        let themeFolder = theme ?? Pipeline.defaultThemeFolder()
        try FileManager.default.createDirectory(atPath: folder + "/assets", withIntermediateDirectories: true)
        let css = FileManager.default.contents(atPath: themeFolder + "/assets/style.css") ?? Data()
        try css.write(to: URL(fileURLWithPath: folder + "/assets/style.css"))
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Candor chart gallery</title><link rel="stylesheet" href="assets/style.css"></head>
        <body><main id="main"><h1>Chart gallery</h1><p class="subtitle">Every chart kind Candor draws, on sample data.</p>

        """
        for chart in Gallery.charts() {
            html += "<section aria-labelledby=\"h-\(chart.id)\"><h2 id=\"h-\(chart.id)\">\(chart.id)</h2>\n"
            html += "<figure class=\"chart-figure\">" + (try chart.renderSVG())
            html += "<figcaption><strong>\(escapeHTML(chart.title))</strong> \(escapeHTML(chart.description))</figcaption></figure></section>\n"
        }
        html += "</main></body></html>\n"
        try html.write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        FileHandle.standardError.write(Data("candor: wrote \(folder)/index.html with \(Gallery.charts().count) charts\n".utf8))
    }
}

/// Text for HTML content or a quoted attribute value (the gallery, `serve`'s error page),
/// scalar by scalar, so that no combining mark can hide a quote or a bracket from it.
func escapeHTML(_ text: String) -> String {
    var output = ""
    escapeAttribute(text, into: &output)
    return output
}

/// `candor _scatter N FILE`: draws an N-point scatter and prints the seconds it took (for
/// `make bench`; hidden from help).
struct ScatterBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_scatter", shouldDisplay: false)

    @Argument var count: Int
    @Argument var file: String

    func run() throws {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 1)
        let points = (0..<count).map { index in
            ScatterChart.Point(label: "p\(index)", x: generator.unit() * 1e6, y: generator.unit() * 100)
        }
        let started = Date()
        var chart = ScatterChart(id: "bench", title: "\(count) points", points: points, xLabel: "x", yLabel: "y")
        chart.cut = (5e5, 50)
        let svg = try chart.draw().renderSVG()
        let seconds = Date().timeIntervalSince(started)
        try svg.write(toFile: file, atomically: true, encoding: .utf8)
        print(String(format: "%.6f", seconds))
    }
}

/// A tiny deterministic generator for the bench data (not Stats', to keep this file alone).
struct SystemRandomNumberGeneratorSeeded {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) * 0x1.0p-53
    }
}
