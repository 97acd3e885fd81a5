import CCurl
import Foundation
import Synchronization

/// The state of one transfer, shared between the thread running `curl_easy_perform` and the
/// callbacks (which receive it through the `userdata` pointer: Swift cannot form a C function
/// pointer from a capturing closure). Only the transfer thread touches the mutable fields,
/// except `cancelled`, which is atomic.
final class TransferContext: @unchecked Sendable {
    enum Mode {
        /// Collect the whole body, up to `limit` bytes.
        case buffered(limit: Int)
        /// Split the body into lines as it arrives; a single line may not exceed `maxLine` bytes.
        case lines(maxLine: Int, sink: LineSink)
    }

    let mode: Mode
    let cancelled = Atomic<Bool>(false)
    let errorBuffer: UnsafeMutablePointer<CChar>

    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var body = Data()
    private(set) var exceededLimit = false
    private var headerBlockComplete = false
    private var lineBuffer = [UInt8]()

    init(mode: Mode) {
        self.mode = mode
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    var errorDetail: String { String(cString: errorBuffer) }

    func cancel() { cancelled.store(true, ordering: .relaxed) }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    var head: HTTPResponseHead { HTTPResponseHead(status: status, headers: headers) }

    /// A header line as libcurl hands it over: status lines start a block, an empty line ends it.
    func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) {
        let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new block (after a 100 Continue, for example) replaces the previous one.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = []
            headerBlockComplete = false
        } else if line.isEmpty {
            if status >= 200 {
                headerBlockComplete = true
                if case .lines(_, let sink) = mode, (200..<300).contains(status) {
                    sink.deliverHead(head)
                }
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
    }

    /// Returns false to make libcurl abort the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if isCancelled { return false }
        switch mode {
        case .buffered(let limit):
            return append(bytes, limit: limit)
        case .lines(let maxLine, let sink):
            // An error answer to a stream is read whole so that its Status body can be decoded.
            guard (200..<300).contains(status) else { return append(bytes, limit: 1 << 20) }
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    emitLine(to: sink)
                } else {
                    lineBuffer.append(byte)
                    if lineBuffer.count > maxLine {
                        exceededLimit = true
                        return false
                    }
                }
            }
            return true
        }
    }

    /// Called once the transfer has ended without error: a last line without a newline still counts.
    func flushPartialLine() {
        if case .lines(_, let sink) = mode, !lineBuffer.isEmpty { emitLine(to: sink) }
    }

    private func emitLine(to sink: LineSink) {
        if lineBuffer.last == UInt8(ascii: "\r") { lineBuffer.removeLast() }
        if !lineBuffer.isEmpty { sink.deliverLine(String(decoding: lineBuffer, as: UTF8.self)) }
        lineBuffer.removeAll(keepingCapacity: true)
    }

    private func append(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Bool {
        guard body.count + bytes.count <= limit else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }
}

/// Where a line-mode transfer delivers its head and its lines.
protocol LineSink: AnyObject, Sendable {
    func deliverHead(_ head: HTTPResponseHead)
    func deliverLine(_ line: String)
}

// C callbacks. They capture nothing; the context travels in `userdata`.

let curlWriteCallback: ccurl_data_callback = { data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    return context.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

let curlHeaderCallback: ccurl_data_callback = { data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    context.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// Progress callback: the only hook libcurl calls while a stream is idle, so it is what makes
/// cancellation of a quiet watch take effect (about once a second).
let curlProgressCallback: ccurl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 1 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.isCancelled ? 1 : 0
}
