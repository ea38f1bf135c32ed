"""Fills a monitor-bench database: a year (2026) of one organization's messages,
bookings, contacts and audit events, plus a smaller second organization.

usage: data.py DB [OUTBOUND=1000000 INBOUND=200000 BOOKINGS=100000]
Rows are written as the services write them (same columns and date formats), straight
through SQLite so that a million rows take a minute, not an hour. Bookings are inserted
with allowOverlap = 1 (random slots would overlap; the overlap trigger is not what is
measured), and the audit events are not a valid chain (hashes are placeholders)."""
import datetime as dt
import json
import random
import sqlite3
import sys

path = sys.argv[1]
n_out, n_in, n_book = (int(a) for a in (sys.argv[2:5] if len(sys.argv) > 4 else (1_000_000, 200_000, 100_000)))
random.seed(42)
con = sqlite3.connect(path)
# A bulk load: no journal, a large cache; the database goes back to WAL at the end.
con.execute("PRAGMA journal_mode = OFF")
con.execute("PRAGMA synchronous = OFF")
con.execute("PRAGMA cache_size = -2000000")
orgs = dict(con.execute("SELECT domain, id FROM organization"))
YEAR = dt.datetime(2026, 1, 1)
SPAN = 365 * 86400


def stored(t):
    return (YEAR + dt.timedelta(seconds=t)).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def iso(t):
    return (YEAR + dt.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def fill(domain, n_out, n_in, n_book, n_contacts, n_asks):
    org = orgs[domain]
    tag = domain.split(".")[0]
    contacts = []
    for i in range(n_contacts):
        t = random.random() * SPAN
        contacts.append((org, f"Contact {i}", f"c{i}@{tag}.test", f"contact {i} c{i}@{tag}.test", stored(t), stored(t)))
    con.executemany(
        "INSERT INTO contact (organizationId, fullName, email, searchText, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)", contacts)
    ids = [r[0] for r in con.execute("SELECT id FROM contact WHERE organizationId = ?", (org,))]

    channels = ["whatsapp"] * 12 + ["email"] * 5 + ["telegram"] * 2 + ["instagram"]
    audit = []

    # In time order, as they are written: ids grow with time.
    def times(n):
        return sorted(random.random() * SPAN for _ in range(n))

    def outbound():
        for i, t in enumerate(times(n_out)):
            sched = t + random.choice((0, 300, 3600, 86400))
            r = random.random()
            first = sent = delivered = read = failed = cancelled = nxt = None
            if r < 0.02:
                status = "pending"
            elif r < 0.03:
                status, first, nxt = "retrying", sched, sched + 600
            elif r < 0.05:
                status, cancelled = "cancelled", t + 30
            elif r < 0.10:
                status, first, failed = "failed", sched, sched + 2
            else:
                first, sent = sched, sched + 1
                status = "sent"
                if r >= 0.40:
                    status, delivered = "delivered", sched + 5
                if r >= 0.70:
                    status, read = "read", sched + random.randint(600, 3600)
            f = lambda x: None if x is None else stored(x)
            audit.append((org, "staff@" + domain, "draft.create", "ok", f"outbound:{i}", "{}", f"d-{tag}-{i}", iso(t), None, "x"))
            yield (org, random.choice(ids), random.choice(channels), "Hello", stored(sched), status, f"t-{tag}-{i}",
                   stored(t), stored(t), f(nxt), f(first), f(sent), f(delivered), f(read), f(failed), f(cancelled))

    con.executemany(
        """INSERT INTO outboundMessage (organizationId, contactId, channel, body, scheduledFor, status, traceId, createdAt,
           updatedAt, nextAttemptAt, firstAttemptAt, sentAt, deliveredAt, readAt, failedAt, cancelledAt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", outbound())

    def inbound():
        for t in times(n_in):
            r = random.random()
            yield (org, None if r < 0.1 else random.choice(ids), random.choice(channels), stored(t), "optOut" if r > 0.99 else None)

    con.executemany("INSERT INTO inboundMessage (organizationId, contactId, channel, receivedAt, intent) VALUES (?, ?, ?, ?, ?)", inbound())

    def bookings():
        for i, created in enumerate(times(n_book)):
            start = created + random.random() * 30 * 86400
            r = random.random()
            status = "cancelled" if r < 0.2 else "confirmed" if r < 0.7 else "pending"
            booked_confirmed = status == "confirmed" and r < 0.4
            audit.append((org, "staff@" + domain, "bookings.book", "ok", f"booking:{i}",
                          json.dumps({"status": "confirmed" if booked_confirmed else "pending"}), f"b-{tag}-{i}", iso(created), None, "x"))
            if status == "confirmed" and not booked_confirmed:
                audit.append((org, "staff@" + domain, "bookings.confirm", "ok", f"booking:{i}", "{}", f"bc-{tag}-{i}", iso(created + 3600), None, "x"))
            if status == "cancelled":
                audit.append((org, "staff@" + domain, "bookings.cancel", "ok", f"booking:{i}", "{}", f"bx-{tag}-{i}", iso(created + 7200), None, "x"))
            yield (org, random.choice(ids), "Appointment", stored(start), stored(start + 1800), status, f"cal-{tag}-{i}@{domain}",
                   stored(created), stored(created))

    con.executemany(
        """INSERT INTO booking (organizationId, contactId, title, start, "end", status, externalCalendarId, allowOverlap,
           createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""", bookings())

    for i in range(n_asks):
        t = random.random() * SPAN
        r = random.random()
        outcome = "refused" if r < 0.05 else "ok"
        details = json.dumps({"question": "q", "answered": r > 0.3})
        audit.append((org, "viewer@" + domain, "assistant.ask", outcome, None, details, f"a-{tag}-{i}", iso(t), None, "x"))
    # In time order, as they would have been written.
    audit.sort(key=lambda e: e[7])
    con.executemany(
        """INSERT INTO auditEvent (organizationId, actor, action, outcome, target, details, traceId, at, prevHash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", audit)


fill("bench.example", n_out, n_in, n_book, 20_000, 30_000)
fill("other.example", n_out // 10, n_in // 10, n_book // 10, 2_000, 3_000)
con.commit()
con.execute("ANALYZE")
con.commit()
con.execute("PRAGMA journal_mode = WAL")
con.close()
