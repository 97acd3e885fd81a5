import Kube

/// The informer's store: objects by key, with a namespace index, a label index and any
/// custom indexes. Pure data; the informer owns the only instance.
public struct ObjectCache<T: KubeObjectProtocol>: Sendable {
    public typealias IndexFunction = @Sendable (T) -> [String]

    private(set) var objects: [ObjectKey: T] = [:]
    private var indexFunctions: [String: IndexFunction] = [:]
    private var indexes: [String: [String: Set<ObjectKey>]] = [:]

    static var namespaceIndex: String { "namespace" }
    static var labelIndex: String { "label" }

    public init() {
        indexFunctions[Self.namespaceIndex] = { [$0.metadata.namespace ?? ""] }
        indexFunctions[Self.labelIndex] = { ($0.metadata.labels ?? [:]).map { "\($0.key)=\($0.value)" } }
    }

    public mutating func addIndex(_ name: String, _ function: @escaping IndexFunction) {
        indexFunctions[name] = function
        indexes[name] = [:]
        for (key, object) in objects { index(key, object, in: name, function) }
    }

    public var count: Int { objects.count }
    public var keys: Dictionary<ObjectKey, T>.Keys { objects.keys }
    public var all: [T] { Array(objects.values) }
    public subscript(key: ObjectKey) -> T? { objects[key] }

    public func byIndex(_ name: String, _ value: String) -> [T] {
        (indexes[name]?[value] ?? []).compactMap { objects[$0] }
    }

    /// Every value an index holds now.
    public func indexValues(_ name: String) -> [String] { Array((indexes[name] ?? [:]).keys) }

    public func inNamespace(_ namespace: String) -> [T] { byIndex(Self.namespaceIndex, namespace) }

    /// Objects carrying every label of `selector` (equality selectors only).
    public func withLabels(_ selector: [String: String]) -> [T] {
        guard let (firstKey, firstValue) = selector.first else { return all }
        return byIndex(Self.labelIndex, "\(firstKey)=\(firstValue)").filter { object in
            selector.allSatisfy { object.metadata.labels?[$0.key] == $0.value }
        }
    }

    /// Stores `object`; returns the previous version.
    @discardableResult
    public mutating func put(_ object: T) -> T? {
        let key = ObjectKey(object.metadata)
        let old = remove(key)
        objects[key] = object
        for (name, function) in indexFunctions { index(key, object, in: name, function) }
        return old
    }

    @discardableResult
    public mutating func remove(_ key: ObjectKey) -> T? {
        guard let old = objects.removeValue(forKey: key) else { return nil }
        for (name, function) in indexFunctions {
            for value in function(old) {
                indexes[name]?[value]?.remove(key)
                if indexes[name]?[value]?.isEmpty == true { indexes[name]?[value] = nil }
            }
        }
        return old
    }

    private mutating func index(_ key: ObjectKey, _ object: T, in name: String, _ function: IndexFunction) {
        for value in function(object) { indexes[name, default: [:]][value, default: []].insert(key) }
    }
}
