import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A calendar folder in the vdir layout (what khal and vdirsyncer read, and so any
/// CalDAV server through vdirsyncer): one `<uid>.ics` file per booking, each holding
/// one VCALENDAR with one VEVENT. Files are replaced atomically (temporary file, then
/// rename), so a reader never sees half a file.
public struct VdirCalendar: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The folder for an organization: `CORBI_CALENDAR_DIR` if set, else
    /// `<dataHome>/corbi/calendar/<domain>/`.
    public static func location(environment: [String: String], dataHome: String, domain: String) -> VdirCalendar {
        if let dir = environment["CORBI_CALENDAR_DIR"], !dir.isEmpty {
            let expanded = dir == "~" || dir.hasPrefix("~/") ? (environment["HOME"] ?? NSHomeDirectory()) + dir.dropFirst() : dir
            return VdirCalendar(directory: URL(fileURLWithPath: expanded, isDirectory: true))
        }
        return VdirCalendar(
            directory: URL(fileURLWithPath: dataHome, isDirectory: true)
                .appendingPathComponent("corbi/calendar", isDirectory: true)
                .appendingPathComponent(domain, isDirectory: true))
    }

    /// The file of an event: its UID, made safe as a file name.
    public func fileURL(uid: String) -> URL {
        let safe = String(uid.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return c.isASCII && (c.isLetter || c.isNumber || "@._-+".contains(c)) ? c : "_"
        })
        return directory.appendingPathComponent(safe + ".ics")
    }

    /// Writes (or replaces) the file of one booking.
    public func write(_ detail: BookingDetail, zone: TimeZone, stamp: Date, calendarName: String) throws {
        try prepareDirectory(displayName: calendarName)
        let text = ICSWriter.calendar([detail], zone: zone, stamp: stamp)
        try Self.atomicWrite(Data(text.utf8), to: fileURL(uid: detail.booking.externalCalendarId))
    }

    /// Removes the file of an event whose booking no longer exists (nothing to do if it
    /// was never written).
    public func remove(uid: String) throws {
        let url = fileURL(uid: uid)
        guard unlink(url.path) == 0 || errno == ENOENT else {
            throw CorbiError.permission("Cannot remove the calendar file \(url.path): \(String(cString: strerror(errno))).")
        }
    }

    /// Creates the folder and its `displayname` (vdir metadata) if missing.
    func prepareDirectory(displayName: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CorbiError.permission("\(directory.path) is not a folder.")
            }
        } else {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw CorbiError.permission("Cannot create the calendar folder \(directory.path): \(error.localizedDescription)")
            }
        }
        let nameFile = directory.appendingPathComponent("displayname")
        if !FileManager.default.fileExists(atPath: nameFile.path) {
            try? Self.atomicWrite(Data(displayName.utf8), to: nameFile)
        }
    }

    /// Writes `data` to a hidden temporary file beside `url`, flushes it, and renames it
    /// over `url` (rename is atomic within one file system).
    static func atomicWrite(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw CorbiError.permission("Cannot write \(temp.path): \(String(cString: strerror(errno))).")
        }
        var ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = posixWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        let writeErrno = errno
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(ok ? errno : writeErrno))
            unlink(temp.path)
            throw CorbiError.permission("Cannot write \(url.path): \(reason).")
        }
    }
}

/// `write(2)`, named apart from `VdirCalendar.write`.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
