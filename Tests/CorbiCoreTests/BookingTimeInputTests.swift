import CorbiCore
import Foundation
import Testing

@Suite struct BookingTimeInputTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    let newYork = TimeZone(identifier: "America/New_York")!
    /// Tuesday 2026-11-24 10:00 UTC (11:00 in Berlin, 05:00 in New York).
    let now = BookingFixture.defaultNow

    func iso(_ text: String, _ zone: TimeZone) throws -> String {
        DateFormatting.iso8601(try TimeInput.instant(text, in: zone, now: now).date, in: zone)
    }

    @Test func isoWithOffsetIsExact() throws {
        #expect(try iso("2026-12-01T14:00:00+02:00", berlin) == "2026-12-01T13:00:00+01:00")
        #expect(try iso("2026-12-01T14:00Z", berlin) == "2026-12-01T15:00:00+01:00")
        #expect(try iso("2026-12-01T09:30-05:00", newYork) == "2026-12-01T09:30:00-05:00")
    }

    @Test func localFormsAreReadInTheOrganizationZone() throws {
        #expect(try iso("2026-12-01 14:00", berlin) == "2026-12-01T14:00:00+01:00")
        #expect(try iso("2026-12-01T14:00", berlin) == "2026-12-01T14:00:00+01:00")
        #expect(try iso("2026-07-01 14:00", berlin) == "2026-07-01T14:00:00+02:00")
        #expect(try iso("2026-12-01 14:00", newYork) == "2026-12-01T14:00:00-05:00")
        #expect(try iso("2026-07-01 9:05", newYork) == "2026-07-01T09:05:00-04:00")
    }

    @Test func relativeWordsUseTheInjectedClock() throws {
        #expect(try iso("today 15:00", berlin) == "2026-11-24T15:00:00+01:00")
        #expect(try iso("tomorrow 9:30", berlin) == "2026-11-25T09:30:00+01:00")
        #expect(try iso("Tomorrow  3pm", berlin) == "2026-11-25T15:00:00+01:00")
        #expect(try iso("3pm", berlin) == "2026-11-24T15:00:00+01:00")
        #expect(try iso("3:30pm", berlin) == "2026-11-24T15:30:00+01:00")
        #expect(try iso("12am", berlin) == "2026-11-24T00:00:00+01:00")
        #expect(try iso("12pm", berlin) == "2026-11-24T12:00:00+01:00")
        #expect(try iso("fri 14:00", berlin) == "2026-11-27T14:00:00+01:00")
        #expect(try iso("tomorrow at 3pm", berlin) == "2026-11-25T15:00:00+01:00")
        #expect(try iso("in 1h30m", berlin) == "2026-11-24T12:30:00+01:00")
        #expect(try iso("next fri 9:00", berlin) == "2026-11-27T09:00:00+01:00")
        #expect(try iso("friday 2pm", berlin) == "2026-11-27T14:00:00+01:00")
        // Today is Tuesday: a Tuesday time still ahead is today, one gone is next week.
        #expect(try iso("tue 14:00", berlin) == "2026-11-24T14:00:00+01:00")
        #expect(try iso("tue 9:00", berlin) == "2026-12-01T09:00:00+01:00")
        // In New York it is still early on Tuesday morning.
        #expect(try iso("today 15:00", newYork) == "2026-11-24T15:00:00-05:00")
        #expect(try iso("mon 10:00", newYork) == "2026-11-30T10:00:00-05:00")
    }

    @Test func springForwardGapIsRefusedNamingTheNearestValidTimes() {
        let berlinMessage = bookingErrorMessage { _ = try TimeInput.instant("2027-03-28 02:30", in: berlin, now: now) }
        #expect(berlinMessage.contains("does not exist in Europe/Berlin"))
        #expect(berlinMessage.contains("2027-03-28 01:59 +01:00"))
        #expect(berlinMessage.contains("2027-03-28 03:00 +02:00"))
        #expect(bookingExitCode { _ = try TimeInput.instant("2027-03-28 02:30", in: berlin, now: now) } == 65)

        let nyMessage = bookingErrorMessage { _ = try TimeInput.instant("2027-03-14T02:15", in: newYork, now: now) }
        #expect(nyMessage.contains("2027-03-14 01:59 -05:00"))
        #expect(nyMessage.contains("2027-03-14 03:00 -04:00"))
        // The edges of the gap: 02:00 does not exist, 03:00 and 01:59 do.
        #expect(bookingExitCode { _ = try TimeInput.instant("2027-03-14 02:00", in: newYork, now: now) } == 65)
        #expect(bookingExitCode { _ = try TimeInput.instant("2027-03-14 03:00", in: newYork, now: now) } == nil)
        #expect(bookingExitCode { _ = try TimeInput.instant("2027-03-14 01:59", in: newYork, now: now) } == nil)
    }

    @Test func fallBackAmbiguityTakesTheFirstOccurrenceAndSaysSo() throws {
        let ny = try TimeInput.instant("2027-11-07 01:30", in: newYork, now: now)
        #expect(DateFormatting.iso8601(ny.date, in: newYork) == "2027-11-07T01:30:00-04:00")
        #expect(ny.note?.contains("happens twice") == true)
        let berlinTime = try TimeInput.instant("2027-10-31 02:30", in: berlin, now: now)
        #expect(berlinTime.date == Date(timeIntervalSince1970: 1_824_942_600))  // 00:30 UTC
        #expect(berlinTime.note != nil)
        #expect(try TimeInput.instant("2027-10-31 03:30", in: berlin, now: now).note == nil)
    }

    @Test func endTimeAloneFallsOnTheStartDay() throws {
        let start = try TimeInput.instant("2026-12-01 14:00", in: berlin, now: now).date
        let end = try TimeInput.end("15:30", after: start, in: berlin, now: now).date
        #expect(end.timeIntervalSince(start) == 90 * 60)
    }

    @Test func durations() throws {
        #expect(try TimeInput.duration("30m") == 1800)
        #expect(try TimeInput.duration("1h") == 3600)
        #expect(try TimeInput.duration("1h30m") == 5400)
        #expect(try TimeInput.duration("1h 30m") == 5400)
        #expect(try TimeInput.duration("90min") == 5400)
        #expect(try TimeInput.duration("45") == 2700)
        for bad in ["", "abc", "0m", "25h", "1x", "h", "30m15"] {
            #expect(bookingExitCode { _ = try TimeInput.duration(bad) } == 65, "\(bad)")
        }
        #expect(TimeInput.formatDuration(5400) == "1h30m")
    }

    @Test func badInputIsRefusedWith65() {
        for bad in ["", "soon", "2026-02-30 10:00", "2026-12-01 25:00", "tomorrow", "2026-12-01", "13pm", "fri 14:60", "12/01 10:00"] {
            #expect(bookingExitCode { _ = try TimeInput.instant(bad, in: berlin, now: now) } == 65, "\(bad)")
        }
    }

    @Test func rangeBoundsTakeWholeDays() throws {
        let from = try TimeInput.bound("2026-12-01", in: berlin, now: now, endOfDay: false)
        let to = try TimeInput.bound("2026-12-01", in: berlin, now: now, endOfDay: true)
        #expect(DateFormatting.iso8601(from, in: berlin) == "2026-12-01T00:00:00+01:00")
        #expect(DateFormatting.iso8601(to, in: berlin) == "2026-12-02T00:00:00+01:00")
        // A day whose midnight is skipped (Sao Paulo once sprang forward at midnight) starts at 01:00.
        let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!
        let day = try TimeInput.bound("2018-11-04", in: saoPaulo, now: now, endOfDay: false)
        #expect(DateFormatting.iso8601(day, in: saoPaulo) == "2018-11-04T01:00:00-02:00")
    }
}

@Suite struct DateFormattingTests {
    @Test func matchesFoundationFormatting() {
        var generator = SystemRandomNumberGenerator()
        let zones = ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Kiritimati"]
            .compactMap(TimeZone.init(identifier:))
        for _ in 0..<400 {
            // 1970 to 2100, whole seconds (earlier local mean times have offsets in seconds).
            let date = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: 0...4_102_444_800, using: &generator)))
            for zone in zones {
                let iso = ISO8601DateFormatter()
                iso.timeZone = zone
                iso.formatOptions = [.withInternetDateTime]
                #expect(DateFormatting.iso8601(date, in: zone) == iso.string(from: date))
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = zone
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
                let expected = String(format: "%04d-%02d-%02d %02d:%02d ", c.year!, c.month!, c.day!, c.hour!, c.minute!)
                    + DateFormatting.offset(date, in: zone)
                #expect(DateFormatting.dateTime(date, in: zone) == expected)
                #expect(DateFormatting.fields(date, in: zone).weekday == c.weekday! - 1)
            }
        }
        #expect(DateFormatting.weekdayName(BookingFixture.defaultNow, in: TimeZone(identifier: "UTC")!) == "Tue")
        #expect(DateFormatting.fields(Date(timeIntervalSince1970: -1), offset: 0).year == 1969)
    }
}

@Suite struct TimeGrammarTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    let now = BookingFixture.defaultNow

    @Test func offsetsFromNowInEveryForm() throws {
        for (text, seconds) in [("+30m", 1800.0), ("in 2h", 7200), ("+1d", 86_400), ("in 3 days", 259_200), ("+1h30m", 5400), ("in 2 weeks", 1_209_600)] {
            let date = try TimeInput.instant(text, in: berlin, now: now).date
            #expect(date.timeIntervalSince1970 == now.timeIntervalSince1970.rounded(.down) + seconds, "\(text)")
        }
        for text in ["+", "in", "+5x", "in 2", "+-3m"] {
            #expect(throws: CorbiError.self, "\(text)") { try TimeInput.instant(text, in: berlin, now: now) }
        }
    }

    @Test func timesOutsideTheSupportedRangeAreRefused() throws {
        let newYork = TimeZone(identifier: "America/New_York")!
        for text in ["9999-12-31 22:00", "+99999999999m", "0001-01-01 10:00", "2200-01-01 00:00", "1969-12-31T23:59:59Z", "in 999999999 weeks"] {
            #expect(throws: CorbiError.self, "\(text)") { try TimeInput.instant(text, in: newYork, now: now) }
            #expect(throws: CorbiError.self, "\(text)") { try TimeInput.bound(text, in: newYork, now: now, endOfDay: true) }
        }
        #expect(throws: CorbiError.self) { try TimeInput.day("9999-12-31", in: newYork, now: now) }
        let last = try TimeInput.instant("2199-12-31 12:00", in: newYork, now: now).date
        #expect(DateFormatting.iso8601(last, in: newYork) == "2199-12-31T12:00:00-05:00")
    }

    @Test func daysAndTheirLengths() throws {
        let spring = try TimeInput.day("2026-03-29", in: berlin, now: now)
        let autumn = try TimeInput.day("2026-10-25", in: berlin, now: now)
        let plain = try TimeInput.day("2026-03-30", in: berlin, now: now)
        func hours(_ r: Range<Date>) -> Double { r.upperBound.timeIntervalSince(r.lowerBound) / 3600 }
        #expect(hours(TimeInput.interval(of: spring, in: berlin)) == 23)
        #expect(hours(TimeInput.interval(of: autumn, in: berlin)) == 25)
        #expect(hours(TimeInput.interval(of: plain, in: berlin)) == 24)
        #expect(try TimeInput.day("today", in: berlin, now: now) == TimeInput.day(of: now, in: berlin))
        #expect(try TimeInput.day("yesterday", in: berlin, now: now) == TimeInput.day(-1, after: TimeInput.day(of: now, in: berlin)))
        #expect(throws: CorbiError.self) { try TimeInput.day("tomorrow 9:30", in: berlin, now: now) }
    }
}
