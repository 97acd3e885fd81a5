import JSON

extension JSONValue {
    /// Sets (or with `nil` removes) the value at a path of object keys, creating objects on the
    /// way. Every other field is kept, which is what lets a PUT of an unstructured object
    /// change one field only.
    mutating func set(_ path: ArraySlice<String>, to value: JSONValue?) {
        guard let key = path.first else { return }
        var members = objectValue ?? [:]
        if path.count == 1 {
            members[key] = value
        } else {
            var child = members[key] ?? .object([:])
            if child.objectValue == nil { child = .object([:]) }
            child.set(path.dropFirst(), to: value)
            members[key] = child
        }
        self = .object(members)
    }
}
