import CLibPQ
import CPUPacing

/// The rows of one statement, copied out of the libpq result (which is cleared right after).
///
/// Values are kept in one contiguous buffer with a range per cell, so that a 100,000-row snapshot
/// costs a few allocations, not one per value.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [PostgresColumn]
    /// The command tag, e.g. `INSERT 0 3` (empty for row-returning statements).
    public let commandTag: String
    private let bytes: [UInt8]
    private let cells: [Range<Int>?]
    private let rowCount: Int

    init(commandTag: String) {
        self.columns = []
        self.commandTag = commandTag
        self.bytes = []
        self.cells = []
        self.rowCount = 0
    }

    init(result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            let name = PQfname(result, Int32(column)).map { String(cString: $0) } ?? "?column?"
            columns.append(
                PostgresColumn(name: name, dataType: PostgresDataType(rawValue: PQftype(result, Int32(column))))
            )
        }
        var bytes: [UInt8] = []
        var cells: [Range<Int>?] = []
        cells.reserveCapacity(rowCount * columnCount)
        // A full load's batch is tens of thousands of rows: milliseconds of copying on a core that
        // may also run an event loop.
        var pacer = CPUYieldPacer()
        for row in 0..<rowCount {
            pacer.pace()
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    cells.append(nil)
                    continue
                }
                let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                let start = bytes.count
                if length > 0, let value = PQgetvalue(result, Int32(row), Int32(column)) {
                    value.withMemoryRebound(to: UInt8.self, capacity: length) { pointer in
                        bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: length))
                    }
                }
                cells.append(start..<(start + length))
            }
        }
        self.columns = columns
        self.commandTag = ""
        self.bytes = bytes
        self.cells = cells
        self.rowCount = rowCount
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(rows: self, index: position)
    }

    /// The number of rows a command touched (`UPDATE 3` → 3), or nil when the tag carries none.
    public var affectedRowCount: Int? {
        commandTag.split(separator: " ").last.flatMap { Int($0) }
    }

    func cell(row: Int, column: Int) -> ArraySlice<UInt8>? {
        cells[row * columns.count + column].map { bytes[$0] }
    }
}
