import Foundation

/// One JSON configuration for everything JOSE writes: sorted keys make output deterministic,
/// and "/" stays unescaped so URLs in claims (iss) read as they are.
enum JOSEJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
