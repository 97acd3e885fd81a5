import Foundation
import JSON

/// Request bodies in `application/vnd.kubernetes.protobuf`, which kubectl's typed clients send
/// for built-in kinds (`create namespace`, `create serviceaccount`, `create token`,
/// `auth can-i`, `create configmap|secret|role|rolebinding|clusterrole|clusterrolebinding`).
/// The envelope is the 4 bytes `k8s\0` and a `runtime.Unknown` {typeMeta, raw}; `raw` is the
/// object in the generated protobuf encoding, decoded here into the JSON the rest of the double
/// stores, from a table of the fields of the kinds above. Fields not in the table are skipped,
/// as an older server skips fields it does not know. Responses stay JSON (clients accept it).
enum ProtobufBodies {
    static let contentType = "application/vnd.kubernetes.protobuf"

    struct Failure: Error { var message: String }

    indirect enum FieldType: Sendable {
        case string, bytes, int, bool, time
        case message([Int: Field])
        /// map<string, V>, encoded as repeated entries {1: key, 2: value}.
        case map(FieldType)

        var isTime: Bool { if case .time = self { return true } else { return false } }
    }

    struct Field: Sendable {
        var name: String
        var type: FieldType
        var repeated = false
        init(_ name: String, _ type: FieldType, repeated: Bool = false) {
            self.name = name
            self.type = type
            self.repeated = repeated
        }
    }

    /// Decodes an enveloped body into a JSON object with apiVersion and kind.
    static func decode(_ body: [UInt8]) throws(Failure) -> JSONValue {
        guard body.count >= 4, Array(body[0..<4]) == [0x6B, 0x38, 0x73, 0x00] else {
            throw Failure(message: "the protobuf body lacks the k8s envelope")
        }
        let unknown = try decodeMessage(body[4...], fields: [
            1: Field("typeMeta", .message([1: Field("apiVersion", .string), 2: Field("kind", .string)])),
            2: Field("raw", .bytes),
        ])
        guard let kind = unknown["typeMeta"]?["kind"]?.stringValue, let apiVersion = unknown["typeMeta"]?["apiVersion"]?.stringValue else {
            throw Failure(message: "the protobuf envelope names no kind")
        }
        guard let schema = kinds[kind] else {
            throw Failure(message: "the local API server cannot decode \(kind) from protobuf")
        }
        guard case .string(let encodedRaw)? = unknown["raw"], let raw = Data(base64Encoded: encodedRaw) else {
            throw Failure(message: "the protobuf envelope carries no object")
        }
        var object = try decodeMessage(Array(raw)[...], fields: schema)
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        return object
    }

    /// The request body as JSON, whichever of the two encodings it came in.
    static func jsonBody(_ request: ServerRequest) throws(APIError) -> JSONValue {
        if (request.header("Content-Type") ?? "").hasPrefix(contentType) {
            do throws(Failure) { return try decode(request.body) } catch {
                throw APIError.badRequest("the body of the request could not be decoded: \(error.message)")
            }
        }
        do { return try JSONValue.decode(Data(request.body)) } catch {
            throw APIError.badRequest("the body of the request could not be decoded as JSON")
        }
    }

    // MARK: Wire format

    private static func decodeMessage(_ bytes: ArraySlice<UInt8>, fields: [Int: Field]) throws(Failure) -> JSONValue {
        var reader = Reader(bytes: bytes)
        var result: [String: JSONValue] = [:]
        while !reader.atEnd {
            let key = try reader.varint()
            let number = Int(key >> 3), wire = Int(key & 7)
            guard let field = fields[number] else {
                try reader.skip(wire: wire)
                continue
            }
            let value: JSONValue
            switch (field.type, wire) {
            case (.int, 0): value = .int(Int64(bitPattern: try reader.varint()))
            case (.bool, 0): value = .bool(try reader.varint() != 0)
            case (.string, 2): value = .string(String(decoding: try reader.lengthDelimited(), as: UTF8.self))
            case (.bytes, 2): value = .string(Data(try reader.lengthDelimited()).base64EncodedString())
            case (.time, 2):
                let time = try decodeMessage(try reader.lengthDelimited(), fields: [1: Field("seconds", .int)])
                value = .string(SimTime.rfc3339(Date(timeIntervalSince1970: TimeInterval(time["seconds"]?.intValue ?? 0))))
            case (.message(let inner), 2): value = try decodeMessage(try reader.lengthDelimited(), fields: inner)
            case (.map(let valueType), 2):
                let entry = try decodeMessage(try reader.lengthDelimited(), fields: [1: Field("key", .string), 2: Field("value", valueType)])
                guard let key = entry["key"]?.stringValue else { continue }
                var map = result[field.name]?.objectValue ?? [:]
                map[key] = entry["value"] ?? .string("")
                result[field.name] = .object(map)
                continue
            default:
                throw Failure(message: "field \(field.name) has wire type \(wire)")
            }
            // Generated marshalling writes every non-pointer field; JSON omits empty ones.
            if !field.repeated, value == .string("") || (field.type.isTime && value == .string(SimTime.rfc3339(Date(timeIntervalSince1970: 0)))) {
                continue
            }
            if field.repeated {
                result[field.name] = .array((result[field.name]?.arrayValue ?? []) + [value])
            } else {
                result[field.name] = value
            }
        }
        return .object(result)
    }

    private struct Reader {
        var bytes: ArraySlice<UInt8>
        var atEnd: Bool { bytes.isEmpty }

        mutating func varint() throws(Failure) -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while let byte = bytes.first {
                bytes = bytes.dropFirst()
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { break }
            }
            throw Failure(message: "truncated varint")
        }

        mutating func lengthDelimited() throws(Failure) -> ArraySlice<UInt8> {
            let length = Int(try varint())
            guard length >= 0, length <= bytes.count else { throw Failure(message: "truncated field") }
            let value = bytes.prefix(length)
            bytes = bytes.dropFirst(length)
            return value
        }

        mutating func skip(wire: Int) throws(Failure) {
            switch wire {
            case 0: _ = try varint()
            case 1: guard bytes.count >= 8 else { throw Failure(message: "truncated field") }; bytes = bytes.dropFirst(8)
            case 2: _ = try lengthDelimited()
            case 5: guard bytes.count >= 4 else { throw Failure(message: "truncated field") }; bytes = bytes.dropFirst(4)
            default: throw Failure(message: "unsupported wire type \(wire)")
            }
        }
    }

    // MARK: The kinds kubectl creates through typed clients (k8s.io/api generated.proto)

    static let ownerReference: [Int: Field] = [
        1: Field("kind", .string), 3: Field("name", .string), 4: Field("uid", .string), 5: Field("apiVersion", .string),
        6: Field("controller", .bool), 7: Field("blockOwnerDeletion", .bool),
    ]

    static let objectMeta: FieldType = .message([
        1: Field("name", .string), 2: Field("generateName", .string), 3: Field("namespace", .string),
        5: Field("uid", .string), 6: Field("resourceVersion", .string), 7: Field("generation", .int),
        8: Field("creationTimestamp", .time), 11: Field("labels", .map(.string)), 12: Field("annotations", .map(.string)),
        13: Field("ownerReferences", .message(ownerReference), repeated: true), 14: Field("finalizers", .string, repeated: true),
    ])

    static let policyRule: FieldType = .message([
        1: Field("verbs", .string, repeated: true), 2: Field("apiGroups", .string, repeated: true),
        3: Field("resources", .string, repeated: true), 4: Field("resourceNames", .string, repeated: true),
        5: Field("nonResourceURLs", .string, repeated: true),
    ])

    static let binding: [Int: Field] = [
        1: Field("metadata", objectMeta),
        2: Field("subjects", .message([1: Field("kind", .string), 2: Field("apiGroup", .string), 3: Field("name", .string),
                                       4: Field("namespace", .string)]), repeated: true),
        3: Field("roleRef", .message([1: Field("apiGroup", .string), 2: Field("kind", .string), 3: Field("name", .string)])),
    ]

    static let kinds: [String: [Int: Field]] = [
        "Namespace": [1: Field("metadata", objectMeta), 2: Field("spec", .message([1: Field("finalizers", .string, repeated: true)]))],
        "ServiceAccount": [1: Field("metadata", objectMeta), 3: Field("automountServiceAccountToken", .bool)],
        "ConfigMap": [1: Field("metadata", objectMeta), 2: Field("data", .map(.string)), 3: Field("binaryData", .map(.bytes)),
                      4: Field("immutable", .bool)],
        "Secret": [1: Field("metadata", objectMeta), 2: Field("data", .map(.bytes)), 3: Field("type", .string),
                   4: Field("stringData", .map(.string)), 5: Field("immutable", .bool)],
        "TokenRequest": [1: Field("metadata", objectMeta), 2: Field("spec", .message([
            1: Field("audiences", .string, repeated: true), 4: Field("expirationSeconds", .int),
            3: Field("boundObjectRef", .message([1: Field("kind", .string), 2: Field("apiVersion", .string),
                                                 3: Field("name", .string), 4: Field("uid", .string)])),
        ]))],
        "SelfSubjectAccessReview": [1: Field("metadata", objectMeta), 2: Field("spec", .message([
            1: Field("resourceAttributes", .message([
                1: Field("namespace", .string), 2: Field("verb", .string), 3: Field("group", .string), 4: Field("version", .string),
                5: Field("resource", .string), 6: Field("subresource", .string), 7: Field("name", .string),
            ])),
            2: Field("nonResourceAttributes", .message([1: Field("path", .string), 2: Field("verb", .string)])),
        ]))],
        "Role": [1: Field("metadata", objectMeta), 2: Field("rules", policyRule, repeated: true)],
        "ClusterRole": [1: Field("metadata", objectMeta), 2: Field("rules", policyRule, repeated: true)],
        "RoleBinding": binding,
        "ClusterRoleBinding": binding,
    ]
}
