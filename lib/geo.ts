/**
 * Route 53 geolocation vocabulary: the codes a gateway location may use in config, and the
 * locations the routing tests and the offline plan's routing table walk over.
 */

/** Route 53 continent codes (GeoLocation.ContinentCode). */
export const CONTINENTS = ["AF", "AN", "AS", "EU", "NA", "OC", "SA"] as const;
export type ContinentCode = (typeof CONTINENTS)[number];

/** US subdivisions Route 53 accepts: the 50 states and the District of Columbia. */
export const US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY",
] as const;

/**
 * A geolocation as written in config: `*` (the default record), `continent:EU`, `country:US`
 * or `state:NY` (a US state). Prefixes keep `NA` (North America) apart from `NA` (Namibia).
 */
export type GeoLocation =
    | { kind: "default" }
    | { kind: "continent"; code: ContinentCode }
    | { kind: "country"; code: string }
    | { kind: "state"; code: string };

const COUNTRY_CODE = /^[A-Z]{2}$/;

/** Parses a config location; returns an explanation instead when the text is not one. */
export function parseGeoLocation(text: string): GeoLocation | { error: string } {
    if (text === "*") return { kind: "default" };
    const [prefix, code = ""] = text.split(":", 2);
    switch (prefix) {
        case "continent":
            return (CONTINENTS as readonly string[]).includes(code)
                ? { kind: "continent", code: code as ContinentCode }
                : { error: `unknown continent code "${code}" (allowed: ${CONTINENTS.join(", ")})` };
        case "country":
            return COUNTRY_CODE.test(code)
                ? { kind: "country", code }
                : { error: `country code "${code}" is not an ISO 3166-1 alpha-2 code such as US or DE` };
        case "state":
            return (US_STATES as readonly string[]).includes(code)
                ? { kind: "state", code }
                : { error: `unknown US state code "${code}" (allowed: the two-letter USPS codes of the 50 states and DC)` };
        default:
            return { error: `"${text}" is not a location (use "*", "continent:<code>", "country:<code>" or "state:<US state>")` };
    }
}

/** The config spelling of a location, also used as a stable key (record names, set identifiers). */
export function formatGeoLocation(location: GeoLocation): string {
    return location.kind === "default" ? "*" : `${location.kind}:${location.code}`;
}
