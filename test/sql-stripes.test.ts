/**
 * Sequence stripes ("start value variation"): the per-DC parameters give disjoint stripes that
 * cover every value, and the re-stripe arithmetic of sql/03-per-dc.sql (mirrored in
 * lib/render/sql-parameters.ts) never moves a sequence backwards, lands on the stripe, and keeps
 * DCs apart when a DC is added.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { isOnStripe, renderSqlParameters, RESTRIPE_BURST, restripe, SQL_DIR, SqlParameters, stripeStart } from "../lib/render/sql-parameters";

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

    it("adding a DC without a floor can collide, which is why docs/database.md asks for one", () => {
        // DC1 at 101 (slow), DC2 at 10002 (busy): DC1 re-striped to 1 mod 3 restarts above its own
        // margin, at 2104, but DC2 has already handed out 2104 (even, and 1 mod 3).
        const start = restripe(101, 2, 1, 3)!;
        const dc2Values = new Set(values(2, 2, 5000));
        assert.ok(values(start, 3, 100).some((v) => dc2Values.has(v)));
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

    it("sql/03-per-dc.sql applies the same formula and rule, and verify checks the same rule", () => {
        const perDc = fs.readFileSync(path.join(SQL_DIR, "03-per-dc.sql"), "utf8");
        const verify = fs.readFileSync(path.join(SQL_DIR, "04-verify.sql"), "utf8");
        assert.ok(perDc.includes("v_candidate NUMBER := FLOOR(p_high / c_count) * c_count + c_index;"));
        assert.match(perDc, /IF v_candidate <= p_high THEN\s+v_candidate := v_candidate \+ c_count;/);
        assert.ok(perDc.includes("v_start := stripe_start(GREATEST(v_last + (v_cache + c_burst) * ABS(v_increment), c_floor));"));
        assert.ok(perDc.includes(`c_burst CONSTANT NUMBER := ${RESTRIPE_BURST};`));
        // LAST_NUMBER, INCREMENT_BY and CACHE_SIZE are read inside the loop, for the sequence about to change.
        assert.match(perDc, /LOOP\s+--[^\n]*\n\s+SELECT last_number, increment_by, cache_size INTO v_last, v_increment, v_cache\s+FROM user_sequences\s+WHERE sequence_name = s\.sequence_name;\s+v_start :=/);
        const offStripe = "WHERE increment_by <> c_count OR MOD(last_number - c_index, c_count) <> 0";
        assert.ok(perDc.includes(offStripe), "per-DC re-stripes exactly the sequences off their stripe");
        assert.ok(verify.includes(offStripe), "verify reports exactly those");
        assert.ok(perDc.includes("' INCREMENT BY ' || c_count || ' RESTART START WITH ' || v_start"));
    });
});
