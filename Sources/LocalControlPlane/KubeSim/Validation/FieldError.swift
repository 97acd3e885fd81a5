/// One field error as apimachinery's `field.Error` renders it (pkg/util/validation/field/errors.go
/// at v0.32, kube-apiserver 1.32): the cause is `ErrorBody()` — the type's words, the quoted value
/// for `Invalid`, then the detail — and the message line is `<field>: <body>`.
struct FieldError: Sendable, Equatable {
    enum Kind: String, Sendable {
        case invalid = "FieldValueInvalid"
        case required = "FieldValueRequired"
        case forbidden = "FieldValueForbidden"
        case tooLong = "FieldValueTooLong"

        var words: String {
            switch self {
            case .invalid: "Invalid value"
            case .required: "Required value"
            case .forbidden: "Forbidden"
            case .tooLong: "Too long"
            }
        }
    }

    var kind: Kind
    var field: String
    /// Go-quoted bad value, shown only for `Invalid` (upstream omits it for the other types).
    var quotedValue: String?
    var detail: String

    static func invalid(_ field: String, _ value: String, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: field, quotedValue: GoQuote.quote(value), detail: detail)
    }

    static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(kind: .forbidden, field: field, detail: detail)
    }

    /// `field.TooLong` as of apimachinery v0.32 ("may not be more than"; v0.31 and older said
    /// "must have at most").
    static func tooLong(_ field: String, bytes maximum: Int) -> FieldError {
        FieldError(kind: .tooLong, field: field, detail: "may not be more than \(maximum) \(maximum == 1 ? "byte" : "bytes")")
    }

    var body: String {
        var text = kind.words
        if let quotedValue { text += ": " + quotedValue }
        if !detail.isEmpty { text += ": " + detail }
        return text
    }

    var cause: (field: String, message: String, reason: String) { (field, body, kind.rawValue) }
}

/// Go's `%q` for the strings validation errors quote (names, keys, label values).
enum GoQuote {
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
