/**
 * Sequence stripes ("start value variation"): the per-DC parameters give disjoint stripes that
 * cover every value, and the re-stripe arithmetic of sql/03-per-dc.sql (mirrored in
 * lib/render/sql-parameters.ts) never moves a sequence backwards, lands on the stripe, and keeps
 * DCs apart when a DC is added.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { isOnStripe, keyClash, LIVE_RESTRIPE_HEADROOM, liveRestripeFloorShortfall, renderSqlParameters, RESTRIPE_BURST, restripe, SQL_DIR, SqlParameters, stripeStart } from "../lib/render/sql-parameters";

const USERS = { amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED", goldengateUser: "OGGADM1", archiveLogRetentionHours: 72 };

/** dc_index and dc_count as the rendered parameters file defines them. */
function stripeOf(dcId: string, dcIndex: number, dcCount: number): { index: number; count: number } {
    const params: SqlParameters = { dcId, dcIndex, dcCount, ...USERS };
    const defined = (name: string) => Number(new RegExp(`^DEFINE ${name} = '(\\d+)'$`, "m").exec(renderSqlParameters(params))![1]);
    return { index: defined("dc_index"), count: defined("dc_count") };
}

/** The first `n` values a sequence hands out after RESTART START WITH `start` INCREMENT BY `increment`. */
function values(start: number, increment: number, n: number): number[] {
    return Array.from({ length: n }, (_, i) => start + i * increment);
}

const mod = (x: number, n: number) => ((x % n) + n) % n;

describe("sequence stripes", () => {
    for (const deployment of [
        [stripeOf("DC1", 1, 2), stripeOf("DC2", 2, 2)],
        [stripeOf("DC1", 1, 3), stripeOf("DC2", 2, 3), stripeOf("DC3", 3, 3)],
    ]) {
        it(`${deployment.length} DCs: stripes are disjoint and cover every value 1..10000`, () => {
            const owner = new Map<number, number>();
            for (const { index, count } of deployment) {
                // A fresh sequence from WSO2's script: LAST_NUMBER 1, INCREMENT BY 1.
                const start = restripe(1, 1, index, count) ?? 1;
                for (const v of values(start, count, 10_000)) {
                    if (v > 10_000) break;
                    assert.ok(!owner.has(v), `${v} handed out by DC${owner.get(v)} and DC${index}`);
                    owner.set(v, index);
                }
            }
            // Values below each DC's first start are skipped on purpose (never above LAST_NUMBER).
            const firstStart = Math.max(...deployment.map(({ index, count }) => restripe(1, 1, index, count) ?? 1));
            for (let v = firstStart; v <= 10_000; v++) {
                assert.ok(owner.has(v), `${v} belongs to no DC`);
                assert.equal(mod(v, deployment[0].count) || deployment[0].count, owner.get(v));
            }
        });
    }

    it("re-stripe start: above the high-water mark plus the margin and the floor, on the stripe, the smallest such value", () => {
        for (let count = 1; count <= 4; count++) {
            for (let index = 1; index <= count; index++) {
                for (const floor of [0, 7, 1000]) {
                    for (let high = 0; high <= 300; high++) {
                        const start = restripe(high, 1, index, count, floor);
                        if (start === null) {
                            assert.ok(count === 1, "a fresh sequence is only already on its stripe with one DC");
                            continue;
                        }
                        const bound = Math.max(high + RESTRIPE_BURST, floor);
                        assert.ok(start > bound, `start ${start} not above ${bound}`);
                        assert.equal(mod(start - index, count), 0, `start ${start} off stripe ${index} of ${count}`);
                        assert.ok(start - count <= bound, `start ${start} is not the smallest above ${bound}`);
                        assert.ok(isOnStripe(start, count, index, count), "after the restart the sequence is on its stripe");
                        assert.equal(restripe(start, count, index, count, floor), null, "a re-run changes nothing");
                    }
                }
            }
        }
    });

    it("LAST_NUMBER after a cached range stays on the stripe, so the cache never triggers a re-stripe", () => {
        const start = stripeStart(41, 2, 3); // 44
        for (const cache of [0, 20, 1000]) {
            assert.ok(isOnStripe(start + cache * 3, 3, 2, 3));
        }
        assert.ok(!isOnStripe(start + 1, 3, 2, 3));
        assert.ok(!isOnStripe(start, 1, 2, 3), "increment must equal the DC count");
    });

    it("adding a DC (2 -> 3): with a floor above every value in use, no value is ever handed out twice", () => {
        const used = new Map<number, string>();
        const take = (dc: string, vs: number[]) => {
            for (const v of vs) {
                assert.ok(!used.has(v), `${v} handed out by ${used.get(v)} and ${dc}`);
                used.set(v, dc);
            }
        };
        // Two DCs run for a while; DC2 is much busier, so its values pass DC1's high-water mark.
        const dc1 = restripe(1, 1, 1, 2)!;
        const dc2 = restripe(1, 1, 2, 2)!;
        take("DC1", values(dc1, 2, 50));
        take("DC2", values(dc2, 2, 500));
        let dc1Last = dc1 + 50 * 2;
        let dc2Last = dc2 + 500 * 2;
        // Until their own re-stripe the old DCs keep their old stripe; the floor is chosen above
        // what they will reach by then (here: 400 more values each).
        const floor = 10_000;
        take("DC1", values(dc1Last, 2, 400));
        dc1Last += 400 * 2;
        take("DC2", values(dc2Last, 2, 400));
        dc2Last += 400 * 2;
        for (const [dc, last, index] of [["DC1", dc1Last, 1], ["DC2", dc2Last, 2]] as const) {
            const start = restripe(last, 2, index, 3, floor)!;
            assert.ok(start > last && start > floor);
            take(dc, values(start, 3, 1000));
        }
        take("DC3", values(restripe(1, 1, 3, 3, floor)!, 3, 1000));
    });

    it("adding a DC without a floor: the replicated keys lift every restart above them; only the old stripes' values handed out after the restart can still meet it", () => {
        // DC1 at 101 (slow), DC2 at 10002 (busy). Without its keys, DC1 re-striped to 1 mod 3
        // would restart at 2104, which DC2 has already handed out (even, and 1 mod 3).
        const dc2Keys = values(2, 2, 5000);
        const blind = restripe(101, 2, 1, 3)!;
        assert.ok(values(blind, 3, 100).some((v) => dc2Keys.includes(v)));
        // The keys replicated into DC1 (every stripe) put the restart above all of them.
        const start = restripe(101, 2, 1, 3, 0, 0, dc2Keys)!;
        assert.ok(start > Math.max(...dc2Keys) && values(start, 3, 1000).every((v) => !dc2Keys.includes(v)));
        // What remains: DC2, still on 2 mod 2 until its own re-stripe, hands out values above that
        // restart; sequenceFloor (above what the old stripes reach meanwhile) closes that window,
        // and verify reports any such key on DC1's stripe.
        const later = values(10_002, 2, 2000);
        const met = values(start, 3, 2000).find((v) => later.includes(v))!;
        assert.ok(met !== undefined);
        assert.equal(keyClash(start, 3, 1, 3, 0, [...dc2Keys, met]), met, "verify names the key");
    });

    it("adding a DC live: the restart waits for a floor with room above every key, and below that floor the old stripes' values never meet the new ones", () => {
        // DC1 re-stripes to 1 mod 3 first; DC2 (busy, at 10,002) keeps 2 mod 2 until its own step.
        const dc2Keys = values(2, 2, 5000);
        assert.equal(liveRestripeFloorShortfall(101, 2, 3, 0, dc2Keys), Math.max(...dc2Keys) + LIVE_RESTRIPE_HEADROOM, "refused without a floor");
        const floor = Math.max(...dc2Keys) + LIVE_RESTRIPE_HEADROOM;
        assert.equal(liveRestripeFloorShortfall(101, 2, 3, floor, dc2Keys), null);
        const start = restripe(101, 2, 1, 3, floor, 0, dc2Keys)!;
        // DC1 restarts at the floor or above: every value DC2 hands out on its old stripe while it
        // stays below the floor (a million values of room) can never be one of DC1's.
        assert.ok(start > floor && start - floor <= 3);
        const dc2Meanwhile = values(Math.max(...dc2Keys) + 2, 2, 5000);
        assert.ok(dc2Meanwhile.every((v) => v < floor));
        assert.ok(values(start, 3, 5000).every((v) => v > floor));
        // Neither a first stripe (increment 1) nor a re-run on the same count is a live change.
        assert.equal(liveRestripeFloorShortfall(7, 1, 3, 0, [5]), null);
        assert.equal(liveRestripeFloorShortfall(1001, 3, 3, 0, [5]), null);
        // 03-per-dc.sql holds the same rule and headroom.
        const perDc = fs.readFileSync(path.join(__dirname, "..", "sql", "03-per-dc.sql"), "utf8");
        assert.ok(perDc.includes(`c_live_headroom CONSTANT NUMBER := ${LIVE_RESTRIPE_HEADROOM};`));
        assert.ok(perDc.includes("v_increment > 1 AND v_increment <> c_count"));
    });

    it("rows of several stripes already in the table (a reload from the trusted source, a DC added, seed rows): the sequence restarts above every key, on its stripe, and verify then finds nothing", () => {
        for (let count = 1; count <= 4; count++) {
            for (let index = 1; index <= count; index++) {
                for (const [lastNumber, incrementBy, cacheSize] of [[1, 1, 0], [index, count, 0], [index + 40 * count, count, 20], [7, 1, 20]]) {
                    // keys of every stripe, some far above the sequence (made by other DCs or before a rebuild)
                    const keys = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987].map((k) => k * (index + 1));
                    const start = restripe(lastNumber, incrementBy, index, count, 0, cacheSize, keys);
                    if (start === null) {
                        assert.equal(keyClash(lastNumber, incrementBy, index, count, cacheSize, keys), null);
                        continue;
                    }
                    assert.ok(start > Math.max(...keys), `start ${start} above every key`);
                    assert.equal(mod(start - index, count), 0);
                    assert.equal(keyClash(start, count, index, count, 0, keys), null, "verify passes after the restart");
                    assert.equal(restripe(start, count, index, count, 0, 0, keys), null, "a re-run changes nothing");
                    assert.ok(values(start, count, 1000).every((v) => !keys.includes(v)), "never a stored key");
                }
            }
        }
    });

    it("a sequence on its stripe with no key of its stripe ahead of it stays, whatever other DCs' keys it sees: DCs never push each other", () => {
        // DC1 of 2 at 11 (NOCACHE); DC2 has stored even keys up to 10000.
        assert.equal(restripe(11, 2, 1, 2, 0, 0, values(2, 2, 5000)), null);
        assert.equal(keyClash(11, 2, 1, 2, 0, values(2, 2, 5000)), null);
        // An odd key at 11 or above (DC1's own, back from a reload) moves it.
        assert.ok(restripe(11, 2, 1, 2, 0, 0, [2, 4, 13])! > 13);
        assert.equal(keyClash(11, 2, 1, 2, 0, [2, 4, 13]), 13);
    });

    it("a live re-stripe of a cached sequence: a stale LAST_NUMBER would restart among values already handed out; the read before the ALTER with the cache margin never does", () => {
        // DC1 of 2, WSO2 running: a fresh sequence (INCREMENT BY 1, CACHE 20) has handed out 1..40
        // and cached up to 40, so LAST_NUMBER is 41 when the step lists the sequences.
        const cache = 20;
        const listed = 41;
        // Before the ALTER the cache runs out: 41..60 are handed out and LAST_NUMBER becomes 61.
        const handedOut = new Set(values(1, 1, 60));
        const naive = stripeStart(listed, 1, 2); // the old step: the listed value, no margin
        assert.ok(values(naive, 2, 20).some((v) => handedOut.has(v)), `the stale read restarts at ${naive}, among values already in use`);
        // The step reads again right before the ALTER: before the refill (41) or after it (61).
        for (const readBeforeAlter of [listed, listed + cache]) {
            const start = restripe(readBeforeAlter, 1, 1, 2, 0, cache)!;
            assert.ok(start > 60 && !values(start, 2, 1000).some((v) => handedOut.has(v)), `read ${readBeforeAlter}: restarts at ${start}`);
        }
        // Even a burst of RESTRIPE_BURST values after the read stays below the restart.
        assert.ok(restripe(listed, 1, 1, 2, 0, cache)! > listed + cache + RESTRIPE_BURST - 1);
    });

    it("sql/03-per-dc.sql applies the same formula and rule, and verify checks the same rules", () => {
        const perDc = fs.readFileSync(path.join(SQL_DIR, "03-per-dc.sql"), "utf8");
        const verify = fs.readFileSync(path.join(SQL_DIR, "04-verify.sql"), "utf8");
        assert.ok(perDc.includes("v_candidate NUMBER := FLOOR(p_high / c_count) * c_count + c_index;"));
        assert.match(perDc, /IF v_candidate <= p_high THEN\s+v_candidate := v_candidate \+ c_count;/);
        assert.ok(perDc.includes("v_start := stripe_start(GREATEST(v_last + (v_cache + c_burst) * ABS(v_increment), NVL(v_top, 0), c_floor));"));
        assert.ok(perDc.includes(`c_burst CONSTANT NUMBER := ${RESTRIPE_BURST};`));
        // The keys are read first, LAST_NUMBER right before the ALTER.
        assert.match(perDc, /scan_keys\(s\.sequence_name, v_lowest, v_columns, v_top, v_clash, v_where\);[\s\S]*?SELECT last_number, increment_by, cache_size INTO v_last, v_increment, v_cache\s+FROM user_sequences\s+WHERE sequence_name = s\.sequence_name;\s+v_lowest := v_last - v_cache \* ABS\(v_increment\);/);
        // The four reasons to move, in lowestNext/restripe's terms.
        for (const reason of ["WHEN v_increment <> c_count OR MOD(v_last - c_index, c_count) <> 0 THEN", "WHEN v_clash IS NOT NULL THEN", "WHEN v_cache > 0 THEN", "WHEN v_lowest <= c_floor THEN"]) {
            assert.ok(perDc.includes(reason), reason);
        }
        assert.ok(perDc.includes("' INCREMENT BY ' || c_count || ' NOCACHE RESTART START WITH ' || v_start"));
        // Verify: the same stripe rule, and the same key scan (identical text) read before LAST_NUMBER.
        assert.ok(verify.includes("WHERE increment_by <> c_count OR MOD(last_number - c_index, c_count) <> 0"));
        const scan = (text: string) => text.slice(text.indexOf("    c_name   CONSTANT"), text.indexOf("  END scan_keys;"));
        assert.ok(scan(perDc).length > 500 && scan(perDc) === scan(verify), "03 and 04 parse the triggers and scan the keys alike");
        assert.ok(scan(perDc).includes("WHERE ' || v_col || ' >= :low AND MOD(' || v_col || ' - :i, :n) = 0' INTO v_hit USING p_low, c_index, c_count;"));
        assert.match(verify, /scan_keys\(s\.sequence_name, s\.lowest, v_columns, v_top, v_clash, v_where\);\s+SELECT last_number - cache_size \* ABS\(increment_by\) INTO v_lowest/);
        assert.ok(verify.includes("ELSIF v_clash >= v_lowest THEN"));
    });

    it("the trigger parse of 03 and 04 finds the column of every sequence of WSO2 3.1.0's multi-DC scripts and of the remedies", () => {
        const perDc = fs.readFileSync(path.join(SQL_DIR, "03-per-dc.sql"), "utf8");
        const name = /c_name\s+CONSTANT VARCHAR2\(40\) := '([^']+)';/.exec(perDc)![1];
        const into = /c_into\s+CONSTANT VARCHAR2\(300\) := '([^']+)' \|\| c_name \|\| '([^']+)' \|\| c_name;/.exec(perDc)!;
        const assign = /c_assign CONSTANT VARCHAR2\(300\) := '([^']+)' \|\| c_name \|\| '([^']+)' \|\| c_name \|\| '([^']+)';/.exec(perDc)!;
        // Oracle's POSIX regex with \s as JavaScript reads it (case-insensitive, as the 'i' flag).
        const intoRe = new RegExp(into[1] + name + into[2] + name, "gi");
        const assignRe = new RegExp(assign[1] + name + assign[2] + name + assign[3], "gi");
        const triggers = [
            "BEGIN\n  SELECT REG_LOG_SEQUENCE.nextval INTO :NEW.REG_LOG_ID FROM dual;\nEND;",
            "BEGIN\n    SELECT SP_AUTH_SCRIPT_SEQ.nextval\n    INTO :NEW.ID\n    FROM dual;\nEND;",
            "BEGIN\n  SELECT AM_POLICY_GLOBAL_seq.NEXTVAL INTO :NEW.POLICY_ID FROM DUAL;\nEND;",
            "BEGIN\n  :NEW.ID := MDC_SCOPE_BINDING_SEQ.NEXTVAL;\nEND;",
        ];
        const found = triggers.flatMap((body) => [
            ...[...body.matchAll(intoRe)].map((m) => `${m[2].toUpperCase()} ${m[3].toUpperCase()}`),
            ...[...body.matchAll(assignRe)].map((m) => `${m[3].toUpperCase()} ${m[1].toUpperCase()}`),
        ]);
        assert.deepEqual(found, ["REG_LOG_SEQUENCE REG_LOG_ID", "SP_AUTH_SCRIPT_SEQ ID", "AM_POLICY_GLOBAL_SEQ POLICY_ID", "MDC_SCOPE_BINDING_SEQ ID"]);
    });
});
