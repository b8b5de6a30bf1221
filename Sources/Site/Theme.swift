import Dataset
import Foundation
import Mustache

/// A theme: Mustache templates (`templates/*.mustache`, partials included by name) and static
/// assets (`assets/`). A report may override single templates and assets by putting files of
/// the same name in its own `theme/` folder.
public struct Theme: Sendable {
    public struct Error: Swift.Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file)\(line > 0 ? ":\(line)" : ""): error: \(message)" }
    }

    var library: MustacheLibrary
    /// The templates that are only text and plain variables, rendered without Mustache.
    var flat: [String: FlatTemplate] = [:]
    /// Asset path (relative to assets/) → bytes.
    var assets: [String: [UInt8]]
    public let folders: [String]

    static let requiredTemplates = ["layout", "index", "team", "tool", "feedback", "letter", "commentary", "methodology",
                                    "data-quality", "changes", "downloads", "404", "outcomes", "group-index"]

    /// Loads the theme in `folder`, with `overrides` (a report's `theme/` folder) taking
    /// precedence file by file. Every template and asset must lie inside its theme folder (a
    /// link to /etc/passwd in `theme/assets/` is an error, not a published file).
    public init(folder: String, overrides: String? = nil) throws {
        let fileManager = FileManager.default
        var folders = [folder]
        if let overrides, fileManager.fileExists(atPath: overrides) { folders.insert(overrides, at: 0) }
        self.folders = folders
        var templates: [String: (String, String)] = [:]  // name → (text, file)
        var assets: [String: [UInt8]] = [:]
        for base in folders.reversed() {
            let templateFolder = base + "/templates"
            for name in (try? fileManager.contentsOfDirectory(atPath: templateFolder))?.sorted() ?? [] where name.hasSuffix(".mustache") {
                let path = templateFolder + "/" + name
                guard ReportFolder.isInside(path, root: base) else {
                    throw Error(file: path, line: 0, message: "the template links to a file outside its theme folder; themes are read only from inside it")
                }
                guard let data = fileManager.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw Error(file: path, line: 0, message: "cannot read the template")
                }
                templates[String(name.dropLast(".mustache".count))] = (text, path)
            }
            let assetFolder = base + "/assets"
            if let enumerator = fileManager.enumerator(atPath: assetFolder) {
                while let item = enumerator.nextObject() as? String {
                    var isDirectory: ObjCBool = false
                    let path = assetFolder + "/" + item
                    guard !(item as NSString).lastPathComponent.hasPrefix(".") else { continue }
                    guard ReportFolder.isInside(path, root: base) else {
                        throw Error(file: path, line: 0, message: "the asset links to a file outside its theme folder; it would be published. Themes are read only from inside their folder")
                    }
                    guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                          !(item as NSString).lastPathComponent.hasPrefix("."), let data = fileManager.contents(atPath: path) else { continue }
                    assets[item] = Array(data)
                }
            }
        }
        let missing = Self.requiredTemplates.filter { templates[$0] == nil }
        if !missing.isEmpty {
            throw Error(file: folder + "/templates", line: 0, message: "the theme lacks the templates \(missing.joined(separator: ", "))")
        }
        var library = MustacheLibrary()
        Self.registerContentType
        for (name, (text, path)) in templates.sorted(by: { $0.key < $1.key }) {
            do {
                // Every template (partials too: each starts afresh in Mustache's own HTML) escapes
                // with Candor's `esc`. Inline, before the first line, so that line numbers stay.
                library.register(try MustacheTemplate(string: "{{% CONTENT_TYPE: \(Self.contentType)}}" + text), named: name)
                flat[name] = FlatTemplate(text)
            } catch let error as MustacheTemplate.ParserError {
                throw Error(file: path, line: error.context.lineNumber, message: "template error: \(error.error)")
            } catch {
                throw Error(file: path, line: 0, message: "template error: \(error)")
            }
        }
        self.library = library
        self.assets = assets
    }

    /// What `{{value}}` escapes with: `esc`, byte by byte, instead of Mustache's escaping by
    /// `Character` — which lets a quote followed by a combining mark through unescaped (an
    /// attribute-value escape) and was a twentieth of a 10,000-page build.
    struct HTMLEscaping: MustacheContentType {
        func escapeText(_ text: String) -> String { esc(text) }
    }
    static let contentType = "CANDOR_HTML"
    private static let registerContentType: Void = MustacheContentTypes.register(HTMLEscaping(), named: contentType)

    func render(_ template: String, _ context: [String: Any]) -> String {
        if let page = flat[template]?.render(context, escape: esc, partials: flat) { return page }
        return library.render(Fields(context), withTemplate: template) ?? ""
    }

    /// A page's own values, the bottom of Mustache's context stack, as a class of its own:
    /// every name looked up there is first cast to Mustache's protocols, and a dictionary's
    /// conformance is a conditional one, checked anew each time.
    final class Fields: MustacheParent {
        let values: [String: Any]
        init(_ values: [String: Any]) { self.values = values }
        func child(named name: String) -> Any? { values[name] }
    }
}
