import Dataset
import Foundation
import Site

/// `build --if-changed`: the inputs are unchanged when every file the build would read has the
/// hash the previous build's manifest lists, no file was added or removed, report.yml is the
/// same, and the same version of Candor made it.
enum Freshness {
    static func unchanged(content: String, output: String, theme: String?) -> Bool {
        guard let data = FileManager.default.contents(atPath: output + "/data/manifest.json"),
              let manifest = parseJSON(data),
              case let .string(generator)? = manifest["generator"], generator == "candor \(Candor.version)",
              case let .string(settings)? = manifest["settings_sha256"],
              case let .array(listed)? = manifest["inputs"] else { return false }
        guard let current = try? fileDigest(path: content + "/report.yml").sha256, current == settings else { return false }
        var expected: [String: String] = [:]
        for item in listed {
            guard case let .string(path)? = item["path"], case let .string(sha)? = item["sha256"] else { return false }
            expected[path] = sha
        }
        let present = ReportFolder.inputPaths(content)
        guard Set(present) == Set(expected.keys) else { return false }
        for path in present {
            guard let digest = try? fileDigest(path: content + "/" + path), digest.sha256 == expected[path] else { return false }
        }
        return true
    }
}
