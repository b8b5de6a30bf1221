// swift-tools-version:6.0
// Candor: one target per layer (see README "Architecture"). Each target depends only on
// targets listed above it here; data flows Content/ → Dataset → Analysis → Disclosure → Site → Output/.
import PackageDescription

let package = Package(
    name: "Candor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "candor", targets: ["candor"]),
        // For the fuzz targets in Fuzz/ (a package of its own, built with -sanitize=fuzzer).
        .library(name: "Dataset", targets: ["Dataset"]),
        .library(name: "Markdown", targets: ["Markdown"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries from Debian, found through pkg-config.
        .systemLibrary(
            name: "CCmark", path: "Sources/CCmark", pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),

        // Memory hints Swift cannot express: a prefetch, for loops that visit scattered memory
        // in an order known ahead (the filing of weekly shares, a batch's person-days), and
        // glibc's thresholds for keeping freed memory.
        .target(name: "CMemory"),

        // Readers: CSV, JSONL, gzip, front matter, report.yml → typed records + issues.
        .target(name: "Dataset", dependencies: [
            "CZlib", "CCrypto", .product(name: "Yams", package: "Yams"),
        ]),
        // Pure numerics, and the one number formatter every page, chart and sentence uses.
        .target(name: "Stats"),
        // The report's figures → ReportModel. No files, no clocks.
        .target(name: "Analysis", dependencies: ["Dataset", "Stats", "CMemory"]),
        // What may be published: primary and secondary suppression over every published table.
        .target(name: "Disclosure", dependencies: ["Dataset", "Stats", "Analysis"]),
        // The SVG builder DSL; knows nothing about charts.
        .target(name: "SVG"),
        // Chart kinds, scales, ticks.
        .target(name: "Charts", dependencies: ["SVG", "Stats"]),
        // cmark wrapper: parse, walk, chart fences, stat references, render.
        .target(name: "Markdown", dependencies: ["CCmark", .product(name: "Yams", package: "Yams")]),
        // Pages from ReportModel + Markdown + Charts through the theme; atomic writing.
        .target(name: "Site", dependencies: [
            "Dataset", "Stats", "Analysis", "Disclosure", "Charts", "Markdown",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // The command line.
        .executableTarget(name: "candor", dependencies: [
            "Dataset", "Stats", "Analysis", "Disclosure", "Site", "Charts", "SVG", "CMemory",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "DatasetTests", dependencies: ["Dataset"], exclude: ["Fixtures"]),
        .testTarget(name: "StatsTests", dependencies: ["Stats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Dataset", "Stats"], exclude: ["Fixtures"]),
        .testTarget(name: "DisclosureTests", dependencies: ["Disclosure", "Analysis", "Dataset", "Stats"], exclude: ["Fixtures"]),
        .testTarget(name: "SVGTests", dependencies: ["SVG"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "SVG", "Stats"], exclude: ["Fixtures"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "SiteTests", dependencies: ["Site", "Analysis", "Disclosure", "Dataset", "Markdown"]),
        .testTarget(name: "CandorTests", dependencies: ["candor", "Dataset", "Site", "Charts", "Stats"], resources: [.copy("Fixtures")]),
    ]
)
