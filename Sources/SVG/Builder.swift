/// The result-builder DSL: documents read like the markup they produce.
///
///     let chart = svg(width: 320, height: 200) {
///         title("Tokens per week")
///         g(class: "marks") {
///             rect(x: 0, y: 10, width: 20, height: 90, class: "bar") { title("W02: 1.2k") }
///         }
///     }

@resultBuilder
public enum SVGBuilder {
    public static func buildBlock(_ components: [Node]...) -> [Node] { components.flatMap { $0 } }
    public static func buildExpression(_ node: Node) -> [Node] { [node] }
    public static func buildExpression(_ nodes: [Node]) -> [Node] { nodes }
    public static func buildOptional(_ nodes: [Node]?) -> [Node] { nodes ?? [] }
    public static func buildEither(first nodes: [Node]) -> [Node] { nodes }
    public static func buildEither(second nodes: [Node]) -> [Node] { nodes }
    public static func buildArray(_ groups: [[Node]]) -> [Node] { groups.flatMap { $0 } }
}

/// Attribute list builder helpers: nil values are left out, so optional attributes read simply.
public func attributes(_ pairs: (String, AttributeValue?)...) -> [Attribute] {
    pairs.compactMap { name, value in value.map { Attribute(name, $0) } }
}

/// Any element.
public func element(_ name: String, _ attributes: [Attribute] = [],
                    @SVGBuilder _ children: () -> [Node] = { [] }) -> Node {
    .element(name: name, attributes: attributes, children: children())
}

/// The root `<svg>` element, sized by its viewBox so it scales to any width.
public func svg(width: Double, height: Double, class className: String? = nil,
                extra: [Attribute] = [], @SVGBuilder _ children: () -> [Node]) -> Node {
    element("svg", attributes(
        ("xmlns", .text("http://www.w3.org/2000/svg")),
        ("viewBox", .numbers([0, 0, width, height])),
        ("class", className.map(AttributeValue.text))
    ) + extra, children)
}

public func g(class className: String? = nil, transform: String? = nil, extra: [Attribute] = [],
              @SVGBuilder _ children: () -> [Node]) -> Node {
    element("g", attributes(("class", className.map(AttributeValue.text)),
                            ("transform", transform.map(AttributeValue.text))) + extra, children)
}

public func title(_ text: String, id: String? = nil) -> Node {
    element("title", attributes(("id", id.map(AttributeValue.text)))) { Node.text(text) }
}

public func desc(_ text: String, id: String? = nil) -> Node {
    element("desc", attributes(("id", id.map(AttributeValue.text)))) { Node.text(text) }
}

public func rect(x: Double, y: Double, width: Double, height: Double, class className: String? = nil,
                 extra: [Attribute] = [], @SVGBuilder _ children: () -> [Node] = { [] }) -> Node {
    element("rect", attributes(
        ("x", .number(x)), ("y", .number(y)), ("width", .number(max(0, width))), ("height", .number(max(0, height))),
        ("class", className.map(AttributeValue.text))
    ) + extra, children)
}

public func circle(cx: Double, cy: Double, r: Double, class className: String? = nil,
                   extra: [Attribute] = [], @SVGBuilder _ children: () -> [Node] = { [] }) -> Node {
    element("circle", attributes(
        ("cx", .number(cx)), ("cy", .number(cy)), ("r", .number(r)),
        ("class", className.map(AttributeValue.text))
    ) + extra, children)
}

public func line(x1: Double, y1: Double, x2: Double, y2: Double, class className: String? = nil,
                 extra: [Attribute] = [], @SVGBuilder _ children: () -> [Node] = { [] }) -> Node {
    element("line", attributes(
        ("x1", .number(x1)), ("y1", .number(y1)), ("x2", .number(x2)), ("y2", .number(y2)),
        ("class", className.map(AttributeValue.text))
    ) + extra, children)
}

public func path(_ data: PathData, class className: String? = nil, extra: [Attribute] = [],
                 @SVGBuilder _ children: () -> [Node] = { [] }) -> Node {
    element("path", attributes(("d", .path(data)), ("class", className.map(AttributeValue.text))) + extra, children)
}

public enum TextAnchor: String, Sendable { case start, middle, end }

public func text(_ content: String, x: Double, y: Double, anchor: TextAnchor? = nil,
                 class className: String? = nil, extra: [Attribute] = []) -> Node {
    element("text", attributes(
        ("x", .number(x)), ("y", .number(y)),
        ("text-anchor", anchor.map { .text($0.rawValue) }),
        ("class", className.map(AttributeValue.text))
    ) + extra) { Node.text(content) }
}
