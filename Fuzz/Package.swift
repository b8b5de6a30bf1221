// swift-tools-version:6.0
// libFuzzer targets for Candor's readers. Build and run (see README "Fuzzing"):
//   cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   .build/release/FuzzCSV -max_total_time=600 corpus/csv
import PackageDescription

let package = Package(
    name: "CandorFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"]),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "Dataset", package: "main")]),
        .executableTarget(name: "FuzzFrontMatter", dependencies: ["FuzzSupport", .product(name: "Dataset", package: "main")]),
        .executableTarget(name: "FuzzVendor", dependencies: ["FuzzSupport", .product(name: "Dataset", package: "main")]),
        .executableTarget(name: "FuzzMarkdown", dependencies: ["FuzzSupport", .product(name: "Markdown", package: "main")]),
    ]
)
