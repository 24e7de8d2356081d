import GRDB

extension AppDatabase {
    /// The schema's history. A migration never changes once it has landed, and never uses app types.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1 foundation") { db in
            // Key/value settings: the loaded event file, generated secrets, one-time flags.
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "staff") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("pin_hash", .blob).notNull()
                t.column("pin_salt", .blob).notNull()
                t.column("builtin", .boolean).notNull().defaults(to: false)
                t.column("created_at", .datetime).notNull()
                t.column("removed_at", .datetime)
            }
            try db.create(table: "session") { t in
                t.primaryKey("token_hash", .text)
                t.column("staff_id", .integer).notNull().references("staff")
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
            }
            try db.create(table: "invitee") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("phone", .text).notNull().unique()
                t.column("plate", .text)
                t.column("vin", .text)
                t.column("model", .text)
                t.column("consultant", .text)
                t.column("party_size", .integer).notNull().defaults(to: 1)
                t.column("code", .text).notNull().unique()
                t.column("status", .text).notNull().defaults(to: "active")
                t.column("walk_in", .boolean).notNull().defaults(to: false)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "invitee_plate", on: "invitee", columns: ["plate"])
            try db.create(index: "invitee_name", on: "invitee", columns: ["name"])
        }
        migrator.registerMigration("v2 check-in") { db in
            // One row per check-in; an undo is a row of its own, nothing is deleted.
            try db.create(table: "checkin") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("invitee_id", .integer).notNull().references("invitee")
                t.column("door", .text).notNull()
                t.column("party_size", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.column("nonce", .text).notNull().unique()
                t.column("staff_id", .integer)
                t.column("walk_in", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "checkin_invitee", on: "checkin", columns: ["invitee_id"])
            try db.create(table: "checkin_undo") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("checkin_id", .integer).notNull().unique().references("checkin")
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
            }
            // Every scan that did not check anyone in: when, where and why.
            try db.create(table: "scan_failure") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("door", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("scanned", .text).notNull()
                t.column("nonce", .text).unique()
                t.column("invitee_id", .integer)
                t.column("staff_id", .integer)
            }
        }
        migrator.registerMigration("v3 orders") { db in
            try db.create(table: "sale_order") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("invitee_id", .integer).notNull().references("invitee")
                t.column("model", .text).notNull()
                t.column("consultant", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("staff_id", .integer)
                t.column("nonce", .text).unique()
            }
            try db.create(table: "order_void") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("order_id", .integer).notNull().unique().references("sale_order")
                t.column("reason", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
            }
        }
        migrator.registerMigration("v4 wheel, draws, audit") { db in
            try db.create(table: "wheel_grant") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("invitee_id", .integer).notNull().references("invitee")
                t.column("reason", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
            }
            // Spin number s is the row's primary key: 1, 2, … in the order spins are made.
            try db.create(table: "spin") { t in
                t.primaryKey("number", .integer)
                t.column("order_id", .integer).unique().references("sale_order")
                t.column("grant_id", .integer).unique().references("wheel_grant")
                t.column("prize_id", .text).notNull()
                t.column("prize_name", .text).notNull()
                t.column("nonce", .text).notNull().unique()
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
            }
            try db.create(table: "draw") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("pool", .text).notNull()
                t.column("winners_count", .integer).notNull()
                t.column("alternates_count", .integer).notNull()
                t.column("seed", .blob).notNull()
                t.column("commitment", .text).notNull()
                t.column("state", .text).notNull()
                t.column("entrants", .text)
                t.column("entrants_digest", .text)
                t.column("count", .integer)
                t.column("salt", .text)
                t.column("winners", .text)
                t.column("alternates", .text)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "draw_replacement") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("draw_id", .integer).notNull().references("draw")
                t.column("winner", .text).notNull()
                t.column("replacement", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("at", .datetime).notNull()
            }
            // Append-only, hash-chained: hash = SHA256(prev_hash + entry), entry being canonical JSON.
            try db.create(table: "audit") { t in
                t.primaryKey("seq", .integer)
                t.column("entry", .text).notNull()
                t.column("prev_hash", .text).notNull()
                t.column("hash", .text).notNull()
            }
            try db.execute(
                sql: "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
            try db.execute(
                sql: "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
        }
        migrator.registerMigration("v5 survey") { db in
            try db.create(table: "survey_answer") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("code", .text).unique()
                t.column("invitee_id", .integer)
                t.column("ratings", .text).notNull()
                t.column("comment", .text)
                t.column("callback_phone", .text)
                t.column("complaint", .boolean).notNull()
                t.column("at", .datetime).notNull()
                t.column("handled_by", .text)
                t.column("handled_at", .datetime)
                t.column("handled_note", .text)
            }
        }
        migrator.registerMigration("v6 inspections") { db in
            try db.create(table: "inspection") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("client_id", .text).notNull().unique()
                t.column("invitee_id", .integer)
                t.column("customer_name", .text)
                t.column("customer_phone", .text)
                t.column("plate", .text)
                t.column("vin", .text)
                t.column("mileage_km", .integer)
                t.column("technician", .text).notNull()
                t.column("staff_id", .integer)
                t.column("items", .text).notNull()
                t.column("yellow_count", .integer).notNull()
                t.column("red_count", .integer).notNull()
                t.column("signature", .blob)
                t.column("at", .datetime).notNull()
            }
            try db.create(index: "inspection_plate", on: "inspection", columns: ["plate"])
            try db.create(index: "inspection_vin", on: "inspection", columns: ["vin"])
            try db.create(table: "inspection_photo") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("inspection_id", .integer).notNull().references("inspection")
                t.column("item_id", .text).notNull()
                t.column("data", .blob).notNull()
                t.uniqueKey(["inspection_id", "item_id"])
            }
            try db.create(table: "followup") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("inspection_id", .integer).notNull().unique().references("inspection")
                t.column("due", .datetime).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("outcome", .text)
                t.column("note", .text)
                t.column("last_attempt_at", .datetime)
                t.column("sms_sent_at", .datetime)
            }
            try db.create(table: "followup_attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("followup_id", .integer).notNull().references("followup")
                t.column("outcome", .text).notNull()
                t.column("note", .text)
                t.column("staff", .text).notNull()
                t.column("at", .datetime).notNull()
            }
        }
        // Arrival counts kept by triggers in the same transaction as each change, so the door and MC screens read a
        // few rows instead of counting every invitee and check-in on each scan (issue 8's profile: COUNT(*) dominated).
        migrator.registerMigration("v7 arrival counters") { db in
            try db.create(table: "arrival_count") { t in
                t.primaryKey("door", .text)
                t.column("n", .integer).notNull().defaults(to: 0)
                t.column("people", .integer).notNull().defaults(to: 0)
                t.column("walkins", .integer).notNull().defaults(to: 0)
            }
            try db.execute(
                sql: """
                    CREATE TABLE invited_count(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
                    INSERT INTO invited_count(id, n) SELECT 1, COUNT(*) FROM invitee WHERE walk_in = 0 AND status = 'active';
                    INSERT INTO arrival_count(door, n, people, walkins)
                      SELECT door, COUNT(*), SUM(party_size), SUM(walk_in) FROM checkin
                      WHERE id NOT IN (SELECT checkin_id FROM checkin_undo) GROUP BY door;
                    CREATE TRIGGER invited_insert AFTER INSERT ON invitee WHEN NEW.walk_in = 0 AND NEW.status = 'active'
                      BEGIN UPDATE invited_count SET n = n + 1 WHERE id = 1; END;
                    CREATE TRIGGER invited_delete AFTER DELETE ON invitee WHEN OLD.walk_in = 0 AND OLD.status = 'active'
                      BEGIN UPDATE invited_count SET n = n - 1 WHERE id = 1; END;
                    CREATE TRIGGER invited_update AFTER UPDATE OF walk_in, status ON invitee
                      BEGIN UPDATE invited_count SET n = n - (OLD.walk_in = 0 AND OLD.status = 'active') + (NEW.walk_in = 0 AND NEW.status = 'active') WHERE id = 1; END;
                    CREATE TRIGGER arrival_insert AFTER INSERT ON checkin BEGIN
                      INSERT INTO arrival_count(door, n, people, walkins) VALUES (NEW.door, 1, NEW.party_size, NEW.walk_in)
                      ON CONFLICT(door) DO UPDATE SET n = n + 1, people = people + excluded.people, walkins = walkins + excluded.walkins;
                    END;
                    CREATE TRIGGER arrival_undo AFTER INSERT ON checkin_undo BEGIN
                      UPDATE arrival_count SET n = n - 1,
                        people = people - (SELECT party_size FROM checkin WHERE id = NEW.checkin_id),
                        walkins = walkins - (SELECT walk_in FROM checkin WHERE id = NEW.checkin_id)
                      WHERE door = (SELECT door FROM checkin WHERE id = NEW.checkin_id);
                    END;
                    """)
        }
        // Issue 7: the admin edits the event on the day. A wheel stock change is kept so every spin can still be
        // recomputed (the verifier replays the changes); a reissued code is kept so the old card answers `revoked`.
        migrator.registerMigration("v8 event editing") { db in
            try db.create(table: "stock_change") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("prize_id", .text).notNull()
                t.column("old_stock", .integer).notNull()
                t.column("new_stock", .integer).notNull()
                t.column("after_spin", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
            }
            try db.create(table: "retired_code") { t in
                t.primaryKey("code", .text)
                t.column("invitee_id", .integer).notNull().references("invitee")
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
            }
        }
        // Issue 14: the tablets and phones that reached the kiosk over HTTPS (they trust its CA), for the checklist.
        migrator.registerMigration("v9 https devices") { db in
            try db.create(table: "https_device") { t in
                t.primaryKey("address", .text)
                t.column("user_agent", .text).notNull()
                t.column("first_at", .datetime).notNull()
                t.column("last_at", .datetime).notNull()
            }
        }
        // Issue 15, fair play: a draw keeps its winners' names as they were when it ran; a prize handed back by a
        // voided order is a stock change that says which spin it came from and why; a tier change after the first
        // order is kept with its reason for the rebate statement.
        migrator.registerMigration("v10 fair play") { db in
            try db.alter(table: "draw") { t in t.add(column: "names_json", .text) }
            try db.alter(table: "stock_change") { t in
                t.add(column: "reason", .text)
                t.add(column: "returned_spin", .integer)
            }
            try db.create(table: "tier_change") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
                t.column("reason", .text).notNull()
                t.column("orders", .integer).notNull()
                t.column("old_tiers", .text).notNull()
                t.column("new_tiers", .text).notNull()
            }
        }
        // Issue 16, the invitation campaign: each invitation's state, every call with who made it, where each
        // consultant works on the day, and which reminder rounds are done.
        migrator.registerMigration("v11 invitation campaign") { db in
            try db.alter(table: "invitee") { t in t.add(column: "invitation", .text).notNull().defaults(to: "not_contacted") }
            try db.create(table: "contact") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("invitee_id", .integer).notNull().references("invitee").indexed()
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
                t.column("by_name", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("note", .text)
            }
            try db.create(table: "consultant_post") { t in
                t.primaryKey("name", .text)
                t.column("post", .text).notNull()
            }
            try db.create(table: "reminder_done") { t in
                t.column("round", .integer).notNull()
                t.column("consultant", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("by_name", .text).notNull()
                t.primaryKey(["round", "consultant"])
            }
        }
        // Issue 16: guests boarding the buses (boarding is not arrival), and draw tickets handed out at the door.
        migrator.registerMigration("v12 buses and tickets") { db in
            try db.create(table: "boarding") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("invitee_id", .integer).notNull().references("invitee").indexed()
                t.column("bus", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("nonce", .text).notNull().unique()
                t.column("staff_id", .integer)
            }
            try db.create(table: "draw_ticket") { t in
                t.column("draw", .text).notNull()
                t.column("invitee_id", .integer).notNull().references("invitee")
                t.column("number", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.primaryKey(["draw", "invitee_id"])
                t.uniqueKey(["draw", "number"])
            }
        }
        // Issue 18: each counting rule written once, as a view every query reads: a check-in that has not been undone,
        // an order that has not been voided.
        migrator.registerMigration("v13 counting rules as views") { db in
            try db.execute(
                sql: """
                    CREATE VIEW active_checkin AS SELECT * FROM checkin WHERE id NOT IN (SELECT checkin_id FROM checkin_undo);
                    CREATE VIEW valid_order AS SELECT * FROM sale_order WHERE id NOT IN (SELECT order_id FROM order_void);
                    """)
        }
        migrator.registerMigration("v14 inspection car model") { db in
            try db.alter(table: "inspection") { t in t.add(column: "model", .text) }
        }
        migrator.registerMigration("v15 prize handout") { db in
            try db.create(table: "prize_handout") { t in
                t.primaryKey("key", .text)
                t.column("at", .datetime).notNull()
                t.column("staff_id", .integer)
            }
        }
        migrator.registerMigration("v16 party size corrected") { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER arrival_party_size AFTER UPDATE OF party_size ON checkin
                      WHEN NEW.id NOT IN (SELECT checkin_id FROM checkin_undo) BEGIN
                      UPDATE arrival_count SET people = people - OLD.party_size + NEW.party_size WHERE door = NEW.door;
                    END;
                    """)
        }
        migrator.registerMigration(V17FairPlay.name, migrate: V17FairPlay.migrate)
        migrator.registerMigration(V18Checkpoints.name, migrate: V18Checkpoints.migrate)
        migrator.registerMigration(V19WorkshopPaperwork.name, migrate: V19WorkshopPaperwork.migrate)
        migrator.registerMigration(V20HQOutbox.name, migrate: V20HQOutbox.migrate)
        migrator.registerMigration(V21Seating.name, migrate: V21Seating.migrate)
        return migrator
    }
}
