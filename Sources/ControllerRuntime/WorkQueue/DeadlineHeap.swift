import Foundation

/// A min-heap of (deadline, key) with at most one live deadline per key: scheduling a key again
/// keeps the earlier deadline unless `replace` is set. Superseded entries stay in the heap and
/// are skipped when popped, which keeps every operation O(log n).
public struct DeadlineHeap<Key: Hashable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var deadline: Date
        var sequence: UInt64
        var key: Key
        func precedes(_ other: Entry) -> Bool {
            deadline == other.deadline ? sequence < other.sequence : deadline < other.deadline
        }
    }

    private var entries: [Entry] = []
    private var live: [Key: (sequence: UInt64, deadline: Date)] = [:]
    private var sequence: UInt64 = 0

    public init() {}

    public var count: Int { live.count }
    public var isEmpty: Bool { live.isEmpty }

    public func deadline(of key: Key) -> Date? {
        live[key]?.deadline
    }

    /// Returns whether the key's deadline changed.
    @discardableResult
    public mutating func schedule(_ key: Key, at deadline: Date, replace: Bool = false) -> Bool {
        if !replace, let existing = self.deadline(of: key), existing <= deadline { return false }
        sequence += 1
        live[key] = (sequence, deadline)
        push(Entry(deadline: deadline, sequence: sequence, key: key))
        return true
    }

    public mutating func remove(_ key: Key) { live[key] = nil }

    public mutating func earliestDeadline() -> Date? {
        dropStale()
        return entries.first?.deadline
    }

    /// Removes and returns the keys whose deadline is at or before `now`, earliest first, at
    /// most `limit` of them.
    public mutating func popDue(now: Date, limit: Int = .max) -> [Key] {
        var due: [Key] = []
        while due.count < limit {
            dropStale()
            guard let first = entries.first, first.deadline <= now else { return due }
            popFirst()
            live[first.key] = nil
            due.append(first.key)
        }
        return due
    }

    private mutating func dropStale() {
        while let first = entries.first, live[first.key]?.sequence != first.sequence { popFirst() }
    }

    private mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() {
        entries.swapAt(0, entries.count - 1)
        entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
            if smallest == parent { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
