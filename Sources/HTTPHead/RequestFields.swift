import NIOHTTP1

/// A request's fields as bytes: each field one line CRLF in the order received — the line as the
/// client sent it (``append(line:name:value:)``: its name as spelled, the whitespace around its
/// value as it was) or `name: value` for a field made here — and where each line's name and value
/// are, the value without the whitespace around it and byte for byte (obs-text stays the bytes
/// it was). Every request has a dozen
/// fields that the gateway mostly passes on untouched: held as one buffer, they are read where
/// they lie and go upstream as runs of lines, where NIO's `HTTPHeaders` made two strings of each
/// and walked them once per question. ``headers`` builds those strings for the few readers that
/// want them (a blocked answer's content negotiation, tests).
public struct RequestFields: Sendable, Equatable {
    /// The field lines, each ending in CRLF.
    public var lines: [UInt8] { self.storage }
    // Internal, not `private(set)`: the inlinable appends below write them in the caller's module.
    @usableFromInline var storage: [UInt8]
    @usableFromInline var spans: [RequestFieldSpan]

    public init() {
        self.storage = []
        self.spans = []
    }

    /// Room for `fields` fields of `bytes` bytes in all (lines included), so that appending them
    /// grows nothing.
    public init(reservingBytes bytes: Int, fields: Int) {
        self.storage = []
        self.storage.reserveCapacity(bytes)
        self.spans = []
        self.spans.reserveCapacity(fields)
    }

    /// No fields, with room as ``init(reservingBytes:fields:)`` gives, in `spare`'s memory where
    /// nothing else holds it any more: a connection's parser reads each head into the memory of
    /// the head before it, once its exchange has let that head go. Room is reserved in steps (256
    /// bytes, 16 fields), so that a client's next head of about the same size fits the same memory.
    public init(reusing spare: consuming RequestFields, reservingBytes bytes: Int, fields: Int) {
        var storage = spare.storage
        var spans = spare.spans
        spare = RequestFields()
        storage.removeAll(keepingCapacity: true)
        if storage.capacity < bytes { storage.reserveCapacity((bytes + 255) & ~255) }
        spans.removeAll(keepingCapacity: true)
        if spans.capacity < fields { spans.reserveCapacity((fields + 15) & ~15) }
        self.storage = storage
        self.spans = spans
    }

    /// The bytes of memory the field lines hold (their capacity, at least ``lines``' count).
    public var reservedBytes: Int { self.storage.capacity }

    /// The fields of NIO's `headers`, values in the wire form of ``FieldValueEncoding`` (one
    /// scalar per byte) turned back into their bytes.
    public init(_ headers: HTTPHeaders) {
        self.init(reservingBytes: 0, fields: headers.count)
        for (name, value) in headers {
            FieldValueEncoding.withBytes(name) { name in
                FieldValueEncoding.withBytes(value) { value in self.append(name: name, value: value) }
            }
        }
    }

    /// The number of fields.
    @inlinable public var count: Int { self.spans.count }

    @inlinable public var isEmpty: Bool { self.spans.isEmpty }

    /// Appends a field. The caller has validated it: a token for the name, no CR, LF or NUL in
    /// the value, no whitespace around it.
    @inlinable
    public mutating func append(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let start = self.storage.count
        let length = name.count + value.count + 4
        self.storage.append(contentsOf: repeatElement(0, count: length))
        self.storage.withUnsafeMutableBytes { lines in
            let line = UnsafeMutableRawBufferPointer(rebasing: lines[start..<(start + length)])
            UnsafeMutableRawBufferPointer(rebasing: line[0..<name.count]).copyMemory(from: name)
            line[name.count] = UInt8(ascii: ":")
            line[name.count + 1] = UInt8(ascii: " ")
            UnsafeMutableRawBufferPointer(rebasing: line[(name.count + 2)..<(length - 2)]).copyMemory(from: value)
            line[length - 2] = UInt8(ascii: "\r")
            line[length - 1] = UInt8(ascii: "\n")
        }
        self.spans.append(
            RequestFieldSpan(
                lineStart: start,
                nameEnd: start + name.count,
                valueStart: start + name.count + 2,
                valueEnd: start + length - 2,
                lineEnd: start + length
            )
        )
    }

    /// Appends a field line as it was received: `line` without its CRLF (added here), its name at
    /// `name` and its value, without the whitespace around it, at `value` (both indices of
    /// `line`). The caller has validated it as for ``append(name:value:)``. The line goes upstream
    /// byte for byte, the client's spacing around the colon and the value included.
    @inlinable
    public mutating func append(line: UnsafeRawBufferPointer, name: Range<Int>, value: Range<Int>) {
        let start = self.storage.count
        self.storage.append(contentsOf: line)
        self.storage.append(UInt8(ascii: "\r"))
        self.storage.append(UInt8(ascii: "\n"))
        self.spans.append(
            RequestFieldSpan(
                lineStart: start,
                nameEnd: start + name.upperBound,
                valueStart: start + value.lowerBound,
                valueEnd: start + value.upperBound,
                lineEnd: start + line.count + 2
            )
        )
    }

    /// ``append(name:value:)`` for bytes in any collection (copied once where not contiguous).
    @inlinable
    public mutating func append<Name: Collection<UInt8>, Value: Collection<UInt8>>(name: Name, value: Value) {
        let appended =
            name.withContiguousStorageIfAvailable { name in
                value.withContiguousStorageIfAvailable { value in
                    self.append(name: UnsafeRawBufferPointer(name), value: UnsafeRawBufferPointer(value))
                } != nil
            } ?? false
        if appended { return }
        let name = Array(name)
        let value = Array(value)
        name.withUnsafeBytes { name in value.withUnsafeBytes { value in self.append(name: name, value: value) } }
    }

    /// Calls `body` with each field's index, name and value, in order, reading them in place.
    @inlinable
    public func forEach(
        _ body: (_ index: Int, _ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void
    )
        rethrows
    {
        try self.storage.withUnsafeBytes { lines in
            for index in self.spans.indices {
                let span = self.spans[index]
                try body(
                    index,
                    UnsafeRawBufferPointer(rebasing: lines[span.nameRange]),
                    UnsafeRawBufferPointer(rebasing: lines[span.valueRange])
                )
            }
        }
    }

    /// The name of field `index` as sent.
    public func name(at index: Int) -> ArraySlice<UInt8> {
        self.storage[self.spans[index].nameRange]
    }

    /// The value of field `index`, its bytes as received.
    public func value(at index: Int) -> ArraySlice<UInt8> {
        self.storage[self.spans[index].valueRange]
    }

    /// Where field `index`'s line lies in ``lines``, CRLF included.
    @inlinable
    public func lineRange(at index: Int) -> Range<Int> {
        self.spans[index].lineRange
    }

    /// Where field `index`'s name lies in ``lines``.
    @inlinable
    public func nameRange(at index: Int) -> Range<Int> {
        self.spans[index].nameRange
    }

    /// Where field `index`'s value lies in ``lines``.
    @inlinable
    public func valueRange(at index: Int) -> Range<Int> {
        self.spans[index].valueRange
    }

    /// The name of field `index` as a string (a token: ASCII).
    public func nameText(at index: Int) -> String {
        String(decoding: self.name(at: index), as: UTF8.self)
    }

    /// The value of field `index` in the wire form of ``FieldValueEncoding`` (one scalar per byte),
    /// the form NIO's `HTTPHeaders` of the gateway carry.
    public func valueText(at index: Int) -> String {
        FieldValueEncoding.decode(self.value(at: index))
    }

    /// Whether field `index`'s name is `lowercasedName`, ignoring ASCII case.
    public func name(at index: Int, is lowercasedName: StaticString) -> Bool {
        let span = self.spans[index]
        guard span.nameEnd - span.lineStart == lowercasedName.utf8CodeUnitCount else { return false }
        return self.storage.withUnsafeBytes { lines in
            RequestFields.equalsLowercased(
                UnsafeRawBufferPointer(rebasing: lines[span.nameRange]),
                lowercasedName
            )
        }
    }

    /// The index of the first field named `lowercasedName` (ignoring ASCII case).
    public func firstIndex(of lowercasedName: StaticString) -> Int? {
        self.spans.indices.first { self.name(at: $0, is: lowercasedName) }
    }

    /// The values of the fields named `lowercasedName`, in the wire form of ``valueText(at:)``.
    public func values(of lowercasedName: StaticString) -> [String] {
        self.spans.indices.filter { self.name(at: $0, is: lowercasedName) }.map { self.valueText(at: $0) }
    }

    /// These fields without those `removed` says to drop, in the same order, each line as it was.
    public func removing(where removed: (_ index: Int) -> Bool) -> RequestFields {
        var kept = RequestFields(reservingBytes: self.storage.count, fields: self.count)
        for index in self.spans.indices where !removed(index) {
            let span = self.spans[index]
            kept.spans.append(span.moved(to: kept.storage.count))
            kept.storage.append(contentsOf: self.storage[span.lineRange])
        }
        return kept
    }

    /// The fields as NIO's `HTTPHeaders`, values in wire form: what the request parser made of
    /// them before it made these.
    public var headers: HTTPHeaders {
        HTTPHeaders(self.spans.indices.map { (self.nameText(at: $0), self.valueText(at: $0)) })
    }

    /// Whether `bytes` spell `lowercasedName` ignoring ASCII case (lengths already equal or not).
    @inlinable
    public static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ lowercasedName: StaticString) -> Bool {
        guard bytes.count == lowercasedName.utf8CodeUnitCount else { return false }
        let expected = lowercasedName.utf8Start
        for offset in 0..<bytes.count {
            var byte = bytes[offset]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if byte != expected[offset] { return false }
        }
        return true
    }
}
