import GRDB

extension AppDatabase {
    /// Records that outlive their organization, and the indexes that monitoring, exports
    /// and deletions need at a million messages.
    ///
    /// Dates follow the rest of the schema: `yyyy-MM-dd HH:mm:ss.SSS` in UTC, so a day
    /// in any time zone is a range of text.
    static func migrateRecords(_ db: Database) throws {
        try db.execute(sql: recordsSchema)
    }
}

private let recordsSchema = """
    -- A deleted organization, written in the transaction that deletes it. Its own trail
    -- goes with it, so this row is what remains: who, when, what it held, and the last
    -- hash of the deleted chain (to match against a copy kept elsewhere). No foreign key
    -- to the organization, which is gone; `admins` (JSON array of emails) are the admins
    -- it had then, who with `deletedBy` may read the row.
    CREATE TABLE organizationDeletion (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL,
        domain TEXT NOT NULL,
        name TEXT NOT NULL,
        timezone TEXT NOT NULL,
        deletedBy TEXT NOT NULL,
        deletedAt TEXT NOT NULL,
        counts TEXT NOT NULL CHECK (json_valid(counts) AND json_type(counts) = 'object'),
        admins TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(admins) AND json_type(admins) = 'array'),
        auditEvents INTEGER NOT NULL CHECK (auditEvents >= 0),
        auditLastEventId INTEGER,
        auditLastHash TEXT,
        -- Whether the deleted chain verified when it was deleted (1), or not (0).
        auditIntact INTEGER NOT NULL CHECK (auditIntact IN (0, 1)),
        auditProblem TEXT
    );
    CREATE INDEX organizationDeletion_deletedBy ON organizationDeletion(deletedBy);
    CREATE TRIGGER organizationDeletion_no_update BEFORE UPDATE ON organizationDeletion BEGIN
        SELECT RAISE(ABORT, 'deletion records are append-only');
    END;
    CREATE TRIGGER organizationDeletion_no_delete BEFORE DELETE ON organizationDeletion BEGIN
        SELECT RAISE(ABORT, 'deletion records are append-only');
    END;

    -- Monitoring counts messages per day by the time they reached each status; each
    -- index holds the channel so a day's count per channel never reads the table.
    -- Partial: a status time stays NULL for most messages until the status is reached.
    CREATE INDEX outboundMessage_created ON outboundMessage(organizationId, createdAt, channel);
    CREATE INDEX outboundMessage_sent ON outboundMessage(organizationId, sentAt, channel) WHERE sentAt IS NOT NULL;
    CREATE INDEX outboundMessage_delivered ON outboundMessage(organizationId, deliveredAt, channel) WHERE deliveredAt IS NOT NULL;
    CREATE INDEX outboundMessage_read ON outboundMessage(organizationId, readAt, channel) WHERE readAt IS NOT NULL;
    CREATE INDEX outboundMessage_failed ON outboundMessage(organizationId, failedAt, channel) WHERE failedAt IS NOT NULL;
    CREATE INDEX outboundMessage_cancelled ON outboundMessage(organizationId, cancelledAt, channel) WHERE cancelledAt IS NOT NULL;
    CREATE INDEX outboundMessage_firstAttempt ON outboundMessage(organizationId, firstAttemptAt, status) WHERE firstAttemptAt IS NOT NULL;
    CREATE INDEX outboundMessage_waiting ON outboundMessage(organizationId, coalesce(nextAttemptAt, scheduledFor), channel, status)
        WHERE status IN ('pending', 'retrying');
    CREATE INDEX inboundMessage_optOut ON inboundMessage(organizationId, receivedAt) WHERE intent = 'optOut';
    CREATE INDEX contact_created ON contact(organizationId, createdAt);
    -- Actions per day (bookings confirmed, questions asked); replaces the index on
    -- (organizationId, action), which this one's prefix serves.
    CREATE INDEX auditEvent_organization_action_at ON auditEvent(organizationId, action, at);
    DROP INDEX auditEvent_organization_action;

    -- A foreign key without an index makes every deleted parent scan the child table:
    -- deleting a template scanned all outbound messages. (Tokens by message: v3.)
    CREATE INDEX outboundMessage_template ON outboundMessage(templateId);
    -- An export reads an organization's tokens; a deletion deletes them.
    CREATE INDEX unsubscribeToken_organization ON unsubscribeToken(organizationId);

    -- Outbound messages per organization, channel and status, kept by triggers, so
    -- that gauges (Prometheus) read a few rows instead of counting a million.
    CREATE TABLE outboundStatusCount (
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        status TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (organizationId, channel, status)
    ) WITHOUT ROWID;
    INSERT INTO outboundStatusCount (organizationId, channel, status, count)
        SELECT organizationId, channel, status, count(*) FROM outboundMessage GROUP BY organizationId, channel, status;
    CREATE TRIGGER outboundStatusCount_insert AFTER INSERT ON outboundMessage BEGIN
        INSERT INTO outboundStatusCount (organizationId, channel, status, count)
        VALUES (new.organizationId, new.channel, new.status, 1)
        ON CONFLICT (organizationId, channel, status) DO UPDATE SET count = count + 1;
    END;
    CREATE TRIGGER outboundStatusCount_delete AFTER DELETE ON outboundMessage BEGIN
        UPDATE outboundStatusCount SET count = count - 1
        WHERE organizationId = old.organizationId AND channel = old.channel AND status = old.status;
    END;
    CREATE TRIGGER outboundStatusCount_update AFTER UPDATE OF organizationId, channel, status ON outboundMessage
    WHEN old.organizationId <> new.organizationId OR old.channel <> new.channel OR old.status <> new.status
    BEGIN
        UPDATE outboundStatusCount SET count = count - 1
        WHERE organizationId = old.organizationId AND channel = old.channel AND status = old.status;
        INSERT INTO outboundStatusCount (organizationId, channel, status, count)
        VALUES (new.organizationId, new.channel, new.status, 1)
        ON CONFLICT (organizationId, channel, status) DO UPDATE SET count = count + 1;
    END;
    """
