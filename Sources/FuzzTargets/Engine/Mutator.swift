/// Blind mutations of a seed: what libFuzzer's default mutators do, minus coverage guidance.
/// `dictionary` holds tokens that matter to the parser (YAML indicators, JSON punctuation, …),
/// inserted whole so that mutations reach past the first syntax error.
public struct Mutator: Sendable {
    public var dictionary: [[UInt8]]
    public var maxLength: Int

    public init(dictionary: [String], maxLength: Int = 8192) {
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.maxLength = maxLength
    }

    /// 1…4 stacked mutations; `other` is a second corpus entry for splicing.
    public func mutate(_ input: [UInt8], other: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            bytes = mutateOnce(bytes, other: other, using: &random)
        }
        return bytes.count > maxLength ? Array(bytes.prefix(maxLength)) : bytes
    }

    private func mutateOnce(_ input: [UInt8], other: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
        switch Int.random(in: 0..<9, using: &random) {
        case 0 where !bytes.isEmpty: // flip one bit
            let index = min(position, bytes.count - 1)
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        case 1 where !bytes.isEmpty: // replace a byte with an arbitrary one
            bytes[min(position, bytes.count - 1)] = UInt8.random(in: 0...255, using: &random)
        case 2: // insert a random byte, biased towards ASCII punctuation and control characters
            bytes.insert(random.pick(Array(":-[]{}\"',#&*!|>\n\t \\.=@/%".utf8)) , at: position)
        case 3 where !dictionary.isEmpty: // insert a dictionary token
            bytes.insert(contentsOf: random.pick(dictionary), at: position)
        case 4 where !bytes.isEmpty: // delete a range
            let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
            bytes.removeSubrange(min(position, end)..<end)
        case 5: // truncate
            bytes = Array(bytes.prefix(position))
        case 6 where !bytes.isEmpty: // duplicate a range in place
            let start = Int.random(in: 0..<bytes.count, using: &random)
            let end = min(bytes.count, start + Int.random(in: 1...64, using: &random))
            bytes.insert(contentsOf: bytes[start..<end], at: position)
        case 7 where !other.isEmpty: // splice: our prefix, the other input's suffix
            let cut = Int.random(in: 0..<other.count, using: &random)
            bytes = Array(bytes.prefix(position)) + other[cut...]
        default: // swap two bytes
            if bytes.count > 1 {
                bytes.swapAt(Int.random(in: 0..<bytes.count, using: &random), Int.random(in: 0..<bytes.count, using: &random))
            }
        }
        return bytes
    }
}
