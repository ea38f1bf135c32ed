import GRDB

extension AppDatabase {
    /// The schema of the whole domain. Shipped migrations are never edited: add new ones.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-domain") { db in
            try db.execute(sql: schemaV1)
        }
        migrator.registerMigration("v2-bookings-overlap-trigger", migrate: migrateBookingsOverlapTrigger)
        migrator.registerMigration("v3-messaging", migrate: migrateMessaging)
        migrator.registerMigration("v4-records", migrate: migrateRecords)
        migrator.registerMigration("v5-membership-names", migrate: migrateMembershipNames)
        return migrator
    }
}

// The constraints and triggers below keep the rules true even against a buggy caller;
// the services check the same rules first so users get clear messages.
private let schemaV1 = """
    CREATE TABLE organization (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        domain TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(domain) > 0 AND domain = lower(domain)),
        timezone TEXT NOT NULL CHECK (length(timezone) > 0),
        callingCode INTEGER CHECK (callingCode IS NULL OR callingCode BETWEEN 1 AND 999),
        createdAt TEXT NOT NULL
    );

    CREATE TABLE user (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (email = lower(email) AND email LIKE '%_@_%'),
        name TEXT,
        createdAt TEXT NOT NULL
    );

    CREATE TABLE membership (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        userId INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'viewer')),
        createdAt TEXT NOT NULL,
        UNIQUE (userId, organizationId)
    );
    CREATE INDEX membership_organization ON membership(organizationId);

    CREATE TABLE contact (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        fullName TEXT NOT NULL CHECK (length(trim(fullName)) > 0),
        email TEXT CHECK (email IS NULL OR (email = lower(trim(email)) AND email LIKE '%_@_%')),
        phoneWhatsapp TEXT CHECK (phoneWhatsapp IS NULL OR (phoneWhatsapp GLOB '+[1-9]*' AND length(phoneWhatsapp) BETWEEN 8 AND 16 AND substr(phoneWhatsapp, 2) NOT GLOB '*[^0-9]*')),
        telegramChatId INTEGER CHECK (telegramChatId IS NULL OR typeof(telegramChatId) = 'integer'),
        instagramScopedId TEXT CHECK (instagramScopedId IS NULL OR length(trim(instagramScopedId)) > 0),
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'unsubscribed', 'bounced')),
        tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
        notes TEXT,
        lastInboundAt TEXT,
        lastOutboundAt TEXT,
        searchText TEXT NOT NULL DEFAULT '',
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL,
        UNIQUE (organizationId, email),
        UNIQUE (organizationId, phoneWhatsapp),
        UNIQUE (organizationId, telegramChatId),
        UNIQUE (organizationId, instagramScopedId)
    );
    CREATE INDEX contact_organization_name ON contact(organizationId, fullName COLLATE NOCASE);

    -- Substring search over name, email, phone and tags (folded: lower case, no accents).
    CREATE VIRTUAL TABLE contactSearch USING fts5(
        searchText, content='contact', content_rowid='id', tokenize='trigram'
    );
    CREATE TRIGGER contact_search_insert AFTER INSERT ON contact BEGIN
        INSERT INTO contactSearch(rowid, searchText) VALUES (new.id, new.searchText);
    END;
    CREATE TRIGGER contact_search_delete AFTER DELETE ON contact BEGIN
        INSERT INTO contactSearch(contactSearch, rowid, searchText) VALUES ('delete', old.id, old.searchText);
    END;
    CREATE TRIGGER contact_search_update AFTER UPDATE OF searchText ON contact BEGIN
        INSERT INTO contactSearch(contactSearch, rowid, searchText) VALUES ('delete', old.id, old.searchText);
        INSERT INTO contactSearch(rowid, searchText) VALUES (new.id, new.searchText);
    END;

    CREATE TABLE identityConflict (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        actor TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'whatsapp', 'telegram', 'instagram')),
        value TEXT NOT NULL,
        ownerContactId INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        attemptedContactId INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        createdAt TEXT NOT NULL
    );
    CREATE INDEX identityConflict_organization ON identityConflict(organizationId);

    CREATE TABLE messageTemplate (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        name TEXT NOT NULL CHECK (name GLOB '[a-z]*' AND name NOT GLOB '*[^a-z0-9_]*'),
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        language TEXT NOT NULL CHECK (length(language) > 0),
        subject TEXT,
        body TEXT NOT NULL CHECK (length(body) > 0),
        variables TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(variables) AND json_type(variables) = 'array'),
        approved INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
        approvedBy INTEGER REFERENCES user(id) ON DELETE SET NULL,
        approvedAt TEXT,
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL,
        UNIQUE (organizationId, name, language, channel),
        CHECK (channel <> 'email' OR (subject IS NOT NULL AND length(trim(subject)) > 0)),
        CHECK (approved = 0 OR approvedAt IS NOT NULL)
    );

    CREATE TABLE outboundMessage (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        contactId INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        templateId INTEGER REFERENCES messageTemplate(id) ON DELETE SET NULL,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        subject TEXT,
        body TEXT NOT NULL,
        variables TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(variables)),
        mediaUrl TEXT,
        scheduledFor TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'sent', 'failed', 'delivered', 'read', 'cancelled')),
        retryCount INTEGER NOT NULL DEFAULT 0 CHECK (retryCount >= 0),
        error TEXT,
        traceId TEXT NOT NULL UNIQUE,
        providerMessageId TEXT,
        providerStatus TEXT,
        createdBy INTEGER REFERENCES user(id) ON DELETE SET NULL,
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL
    );
    CREATE INDEX outboundMessage_organization_schedule ON outboundMessage(organizationId, channel, scheduledFor);
    CREATE INDEX outboundMessage_contact ON outboundMessage(contactId);
    -- Delivery statuses never move backwards: pending < sent < delivered < read.
    CREATE TRIGGER outboundMessage_status_forward BEFORE UPDATE OF status ON outboundMessage
    WHEN (CASE new.status WHEN 'sent' THEN 1 WHEN 'failed' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)
       < (CASE old.status WHEN 'sent' THEN 1 WHEN 'failed' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)
    BEGIN
        SELECT RAISE(ABORT, 'message status cannot move backwards');
    END;

    CREATE TABLE inboundMessage (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        contactId INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
        mediaUrl TEXT,
        receivedAt TEXT NOT NULL
    );
    CREATE INDEX inboundMessage_contact ON inboundMessage(contactId, receivedAt);
    CREATE INDEX inboundMessage_organization ON inboundMessage(organizationId, receivedAt);

    CREATE TABLE suppression (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        identifier TEXT NOT NULL CHECK (length(identifier) > 0),
        reason TEXT,
        createdBy INTEGER REFERENCES user(id) ON DELETE SET NULL,
        createdAt TEXT NOT NULL,
        UNIQUE (organizationId, channel, identifier)
    );

    -- Messages per minute and channel; a missing row means the default (60).
    CREATE TABLE channelRate (
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        perMinute INTEGER NOT NULL CHECK (perMinute > 0),
        PRIMARY KEY (organizationId, channel)
    );

    CREATE TABLE booking (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        contactId INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        start TEXT NOT NULL,
        "end" TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'cancelled')),
        location TEXT,
        notes TEXT,
        externalCalendarId TEXT NOT NULL UNIQUE,
        allowOverlap INTEGER NOT NULL DEFAULT 0 CHECK (allowOverlap IN (0, 1)),
        sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
        calendarSynced INTEGER NOT NULL DEFAULT 0 CHECK (calendarSynced IN (0, 1)),
        createdBy INTEGER REFERENCES user(id) ON DELETE SET NULL,
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL,
        CHECK ("end" > start)
    );
    CREATE INDEX booking_contact_time ON booking(contactId, start);
    CREATE INDEX booking_organization_time ON booking(organizationId, start);
    CREATE INDEX booking_unsynced ON booking(organizationId) WHERE calendarSynced = 0;
    -- Half-open intervals [start, end): live bookings of one contact, or of one location,
    -- never overlap unless the booking was explicitly allowed to.
    CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON booking
    WHEN new.status <> 'cancelled' AND new.allowOverlap = 0 AND EXISTS (
        SELECT 1 FROM booking b
        WHERE b.organizationId = new.organizationId AND b.status <> 'cancelled'
          AND b.start < new."end" AND new.start < b."end"
          AND (b.contactId = new.contactId
               OR (new.location IS NOT NULL AND b.location IS NOT NULL AND lower(b.location) = lower(new.location)))
    )
    BEGIN
        SELECT RAISE(ABORT, 'booking overlaps a live booking');
    END;
    CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF start, "end", status, contactId, location, allowOverlap ON booking
    WHEN new.status <> 'cancelled' AND new.allowOverlap = 0 AND EXISTS (
        SELECT 1 FROM booking b
        WHERE b.id <> new.id AND b.organizationId = new.organizationId AND b.status <> 'cancelled'
          AND b.start < new."end" AND new.start < b."end"
          AND (b.contactId = new.contactId
               OR (new.location IS NOT NULL AND b.location IS NOT NULL AND lower(b.location) = lower(new.location)))
    )
    BEGIN
        SELECT RAISE(ABORT, 'booking overlaps a live booking');
    END;

    -- Append-only, one SHA-256 hash chain per organization.
    CREATE TABLE auditEvent (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
        target TEXT,
        details TEXT NOT NULL DEFAULT '{}',
        traceId TEXT NOT NULL,
        at TEXT NOT NULL,
        prevHash TEXT,
        hash TEXT NOT NULL
    );
    CREATE INDEX auditEvent_organization ON auditEvent(organizationId, id);
    CREATE INDEX auditEvent_organization_action ON auditEvent(organizationId, action);
    CREATE TRIGGER auditEvent_no_update BEFORE UPDATE ON auditEvent BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END;
    -- Deleting a whole organization takes its trail with it; nothing else may delete events.
    CREATE TRIGGER auditEvent_no_delete BEFORE DELETE ON auditEvent
    WHEN EXISTS (SELECT 1 FROM organization WHERE id = old.organizationId)
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END;
    -- The newest hash of each chain, so that cutting events off the end is noticed too.
    CREATE TABLE auditHead (
        organizationId INTEGER PRIMARY KEY REFERENCES organization(id) ON DELETE CASCADE,
        lastEventId INTEGER NOT NULL,
        lastHash TEXT NOT NULL,
        events INTEGER NOT NULL
    );
    """
