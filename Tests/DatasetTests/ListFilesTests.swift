import Foundation
import XCTest
@testable import Dataset

/// What a report folder lists: files inside it only, whatever links point where.
final class ListFilesTests: XCTestCase {
    func testLinksOutsideTheReportFolderAreNotListed() throws {
        let scratch = NSTemporaryDirectory() + "candor-list-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let fm = FileManager.default
        let root = scratch + "/report", outside = scratch + "/outside"
        try fm.createDirectory(atPath: root + "/commentary/deep", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside + "/folder", withIntermediateDirectories: true)
        for path in [root + "/commentary/a.md", root + "/commentary/deep/b.md", outside + "/secret.md", outside + "/folder/c.md"] {
            try "# x\n".write(toFile: path, atomically: true, encoding: .utf8)
        }
        try fm.createSymbolicLink(atPath: root + "/commentary/inside-link.md", withDestinationPath: root + "/commentary/a.md")
        try fm.createSymbolicLink(atPath: root + "/commentary/leak.md", withDestinationPath: outside + "/secret.md")
        try fm.createSymbolicLink(atPath: root + "/commentary/linked", withDestinationPath: outside + "/folder")
        try fm.createSymbolicLink(atPath: root + "/commentary/dir.md", withDestinationPath: root + "/commentary/deep")
        XCTAssertEqual(mkfifo(root + "/commentary/pipe.md", 0o600), 0)
        let listed = ReportFolder.listFiles(root: root, under: "commentary", suffixes: [".md"])
        XCTAssertEqual(listed, ["commentary/a.md", "commentary/deep/b.md", "commentary/inside-link.md"])
        // A path is inside where open(2) finds it: `..` after a link leaves from the link's
        // target (here outside), not from the link. A path that is not there is judged by name.
        XCTAssertTrue(ReportFolder.isInside(root + "/commentary/inside-link.md", root: root))
        XCTAssertFalse(ReportFolder.isInside(root + "/commentary/leak.md", root: root))
        XCTAssertFalse(ReportFolder.isInside(root + "/commentary/linked/../secret.md", root: root))
        XCTAssertTrue(ReportFolder.isInside(root + "/commentary/deep/../a.md", root: root))
        XCTAssertTrue(ReportFolder.isInside(root + "/theme/missing", root: root))
        XCTAssertFalse(ReportFolder.isInside(root + "/../outside/missing", root: root))
    }
}
