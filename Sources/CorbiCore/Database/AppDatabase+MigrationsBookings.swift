import GRDB

extension AppDatabase {
    /// v1's update trigger re-checked overlaps on every status change, so confirming a
    /// booking that another booking was explicitly allowed to overlap (`--allow-overlap`)
    /// was refused. The slot is now re-checked only when it changes: new times, another
    /// contact or location, revival of a cancelled booking, or the allowance withdrawn.
    static func migrateBookingsOverlapTrigger(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP TRIGGER booking_no_overlap_update;
                CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF start, "end", status, contactId, location, allowOverlap ON booking
                WHEN new.status <> 'cancelled' AND new.allowOverlap = 0
                  AND (old.status = 'cancelled' OR old.allowOverlap = 1 OR new.start <> old.start OR new."end" <> old."end"
                       OR new.contactId <> old.contactId OR new.location IS NOT old.location)
                  AND EXISTS (
                    SELECT 1 FROM booking b
                    WHERE b.id <> new.id AND b.organizationId = new.organizationId AND b.status <> 'cancelled'
                      AND b.start < new."end" AND new.start < b."end"
                      AND (b.contactId = new.contactId
                           OR (new.location IS NOT NULL AND b.location IS NOT NULL AND lower(b.location) = lower(new.location)))
                )
                BEGIN
                    SELECT RAISE(ABORT, 'booking overlaps a live booking');
                END;
                """)
    }
}
