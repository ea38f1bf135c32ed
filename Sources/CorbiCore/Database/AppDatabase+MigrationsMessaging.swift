import GRDB

extension AppDatabase {
    /// Messages that flow: provider accounts, claimed sends with their attempts, status
    /// times, and what webhooks bring in (provider ids, unknown senders, early statuses).
    ///
    /// Dates are stored like every other date of the schema (`yyyy-MM-dd HH:mm:ss.SSS`,
    /// UTC), so comparisons between them are text comparisons.
    static func migrateMessaging(_ db: Database) throws {
        try db.execute(sql: messagingSchema)
    }
}

private let messagingSchema = """
    -- One account per organization and channel. Settings that are not secret are JSON
    -- text; the secrets are sealed (AES-GCM) with a key kept outside the database file,
    -- so neither a copy of the database, an export nor the audit trail holds them.
    CREATE TABLE providerAccount (
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings) AND json_type(settings) = 'object'),
        sealedSecrets BLOB,
        updatedBy INTEGER REFERENCES user(id) ON DELETE SET NULL,
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL,
        PRIMARY KEY (organizationId, channel)
    );

    -- The dispatcher's claim: a message is sent only by the owner of an unexpired claim,
    -- committed before the provider is called.
    ALTER TABLE outboundMessage ADD COLUMN claimOwner TEXT;
    ALTER TABLE outboundMessage ADD COLUMN claimExpiresAt TEXT;
    -- When a retrying message is due again (NULL: at scheduledFor).
    ALTER TABLE outboundMessage ADD COLUMN nextAttemptAt TEXT;
    ALTER TABLE outboundMessage ADD COLUMN firstAttemptAt TEXT;
    ALTER TABLE outboundMessage ADD COLUMN lastAttemptAt TEXT;
    -- When the message reached each status (monitoring counts by these, per day).
    ALTER TABLE outboundMessage ADD COLUMN sentAt TEXT;
    ALTER TABLE outboundMessage ADD COLUMN deliveredAt TEXT;
    ALTER TABLE outboundMessage ADD COLUMN readAt TEXT;
    ALTER TABLE outboundMessage ADD COLUMN failedAt TEXT;
    ALTER TABLE outboundMessage ADD COLUMN cancelledAt TEXT;

    -- Due messages, oldest first, without scanning sent ones.
    CREATE INDEX outboundMessage_due ON outboundMessage(coalesce(nextAttemptAt, scheduledFor))
        WHERE status IN ('pending', 'retrying');
    -- Delivery statuses find their message by the provider's id.
    CREATE INDEX outboundMessage_provider ON outboundMessage(organizationId, channel, providerMessageId)
        WHERE providerMessageId IS NOT NULL;

    -- Every attempt to send, kept for `outbox show` and the rate limit.
    CREATE TABLE outboundAttempt (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        messageId INTEGER NOT NULL REFERENCES outboundMessage(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        attempt INTEGER NOT NULL CHECK (attempt >= 1),
        owner TEXT NOT NULL,
        startedAt TEXT NOT NULL,
        finishedAt TEXT,
        -- NULL while the provider is being called.
        outcome TEXT CHECK (outcome IS NULL OR outcome IN ('sent', 'temporary', 'permanent', 'interrupted')),
        providerMessageId TEXT,
        code TEXT,
        error TEXT,
        UNIQUE (messageId, attempt)
    );
    CREATE INDEX outboundAttempt_rate ON outboundAttempt(organizationId, channel, startedAt);

    -- Statuses that arrived before the send that they describe was committed; applied
    -- when it is.
    CREATE TABLE earlyDeliveryStatus (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        providerMessageId TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
        -- The provider's own word for the status, stored on the message when applied.
        providerStatus TEXT,
        error TEXT,
        at TEXT NOT NULL,
        receivedAt TEXT NOT NULL
    );
    CREATE INDEX earlyDeliveryStatus_message ON earlyDeliveryStatus(organizationId, channel, providerMessageId);
    -- Statuses whose send never came are dropped after a while.
    CREATE INDEX earlyDeliveryStatus_received ON earlyDeliveryStatus(receivedAt);

    -- What a webhook tells about the sender and the message itself.
    ALTER TABLE inboundMessage ADD COLUMN providerMessageId TEXT;
    ALTER TABLE inboundMessage ADD COLUMN senderIdentifier TEXT;
    ALTER TABLE inboundMessage ADD COLUMN senderName TEXT;
    ALTER TABLE inboundMessage ADD COLUMN text TEXT;
    ALTER TABLE inboundMessage ADD COLUMN mediaId TEXT;
    -- 'optOut' or 'optIn' when the message was only such a word.
    ALTER TABLE inboundMessage ADD COLUMN intent TEXT CHECK (intent IS NULL OR intent IN ('optOut', 'optIn'));
    -- Providers retry webhooks: one provider message id is stored once.
    CREATE UNIQUE INDEX inboundMessage_provider ON inboundMessage(organizationId, channel, providerMessageId)
        WHERE providerMessageId IS NOT NULL;
    CREATE INDEX inboundMessage_unknown ON inboundMessage(organizationId, receivedAt) WHERE contactId IS NULL;
    -- A contact made from an unknown sender takes that sender's earlier messages.
    CREATE INDEX inboundMessage_unknown_sender ON inboundMessage(organizationId, channel, senderIdentifier)
        WHERE contactId IS NULL;

    -- Updates already handled (Telegram's update_id), so a retried webhook does nothing twice.
    CREATE TABLE webhookReceipt (
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        updateId TEXT NOT NULL,
        receivedAt TEXT NOT NULL,
        PRIMARY KEY (organizationId, channel, updateId)
    );

    -- One-click unsubscribe links of sent emails (RFC 8058).
    CREATE TABLE unsubscribeToken (
        token TEXT PRIMARY KEY,
        organizationId INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'instagram', 'email')),
        identifier TEXT NOT NULL,
        messageId INTEGER REFERENCES outboundMessage(id) ON DELETE SET NULL,
        createdAt TEXT NOT NULL,
        usedAt TEXT
    );
    -- A retried email keeps its link.
    CREATE INDEX unsubscribeToken_message ON unsubscribeToken(messageId);

    -- `outbox retry` puts a failed message back to pending; every other move stays forward only.
    DROP TRIGGER outboundMessage_status_forward;
    CREATE TRIGGER outboundMessage_status_forward BEFORE UPDATE OF status ON outboundMessage
    WHEN NOT (old.status = 'failed' AND new.status = 'pending')
     AND (CASE new.status WHEN 'sent' THEN 1 WHEN 'failed' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)
       < (CASE old.status WHEN 'sent' THEN 1 WHEN 'failed' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)
    BEGIN
        SELECT RAISE(ABORT, 'message status cannot move backwards');
    END;

    -- A conflict is settled by a merge (or by hand).
    ALTER TABLE identityConflict ADD COLUMN resolvedAt TEXT;
    ALTER TABLE identityConflict ADD COLUMN resolvedBy TEXT;
    """
