import CorbiCore
import Foundation

/// A deleted organization's calendar files and folder, removed.
struct CalendarCleanup {
    var folder: String
    var removed = 0
    var folderRemoved = false
    var warnings: [String] = []

    /// Removes the files of `uids` from `calendar`, then the folder if nothing else is left
    /// in it but its `displayname`.
    static func remove(_ uids: [String], from calendar: VdirCalendar) -> CalendarCleanup {
        var result = CalendarCleanup(folder: calendar.directory.path)
        let files = FileManager.default
        for uid in uids {
            let url = calendar.fileURL(uid: uid)
            guard files.fileExists(atPath: url.path) else { continue }
            do {
                try calendar.remove(uid: uid)
                result.removed += 1
            } catch {
                result.warnings.append("\(error)")
            }
        }
        guard let left = try? files.contentsOfDirectory(atPath: calendar.directory.path) else { return result }
        if left.allSatisfy({ $0 == "displayname" }) {
            do {
                try files.removeItem(at: calendar.directory)
                result.folderRemoved = true
            } catch {
                result.warnings.append("Cannot remove the calendar folder \(calendar.directory.path): \(error.localizedDescription)")
            }
        } else {
            result.warnings.append(
                "The calendar folder \(calendar.directory.path) was kept: it holds \(left.count - (left.contains("displayname") ? 1 : 0)) files Corbi did not write for these bookings.")
        }
        return result
    }

    var summary: String {
        let files = removed == 1 ? "1 calendar file" : "\(removed) calendar files"
        if folderRemoved { return "Removed \(files) and the calendar folder \(folder)." }
        if FileManager.default.fileExists(atPath: folder) { return "Removed \(files); the calendar folder \(folder) was kept." }
        return "Removed \(files); there was no calendar folder."
    }
}
