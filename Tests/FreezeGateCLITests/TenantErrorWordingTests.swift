import Testing

@testable import FreezeGateCLI

/// The rewriting of the database's words into command-line words, without a database (the process
/// tests in TenantErrorWordingProcessTests check the real messages).
@Suite("TenantErrorWording")
struct TenantErrorWordingTests {
    @Test func theSQLPartOfAHintGoesWithItsNestedParentheses() {
        #expect(
            TenantErrorWording.removingSQL(
                "Pay one month with the freeze: freezegate tenant freeze late ... --pay-one-month (SQL: request_freeze(..., pay_one_month => true)); the month starts running when the freeze ends."
            )
                == "Pay one month with the freeze: freezegate tenant freeze late ... --pay-one-month; the month starts running when the freeze ends."
        )
        #expect(
            TenantErrorWording.removingSQL(
                "list them with: freezegate tenant list (SQL: SELECT key FROM freezegate.tenants;)."
            )
                == "list them with: freezegate tenant list."
        )
        #expect(TenantErrorWording.removingSQL("--until X ... (SQL: ends_at => 'X').") == "--until X ...")
        #expect(TenantErrorWording.removingSQL("no SQL here (really).") == "no SQL here (really).")
        #expect(TenantErrorWording.removingSQL("unbalanced (SQL: (") == "unbalanced")
    }

    @Test func instantsBecomeISO8601InUTC() {
        #expect(TenantErrorWording.isoInstants("from 2027-07-01 00:00:00Z on") == "from 2027-07-01T00:00:00Z on")
        #expect(TenantErrorWording.isoInstants("at 9999-12-31 23:59:59.5") == "at 9999-12-31T23:59:59.5Z")
        #expect(TenantErrorWording.isoInstants("2027-07-01T00:00:00Z") == "2027-07-01T00:00:00Z")
    }

    /// Durations read in days only, rounded down so that a refusal still shows why.
    @Test func durationsAreInDays() {
        #expect(
            TenantErrorWording.cliText("rule 2: a freeze must last at least 30 days; requested 29 days 23:59:59")
                == "rule 2: a freeze must last at least 30 days; requested 29.99 days"
        )
        #expect(TenantErrorWording.cliText("requested 1 day 12:00:00") == "requested 1.5 days")
        #expect(TenantErrorWording.cliText("with 12:00:00 of paid time left") == "with 0.5 days of paid time left")
        #expect(
            TenantErrorWording.cliText("already 19 days, requested 30 days") == "already 19 days, requested 30 days"
        )
        // An instant's time is not a duration.
        #expect(
            TenantErrorWording.cliText("requested start 2027-07-01 12:00:00Z")
                == "requested start 2027-07-01T12:00:00Z"
        )
    }

    @Test func argumentsAreNamedByTheirOptions() {
        #expect(
            TenantErrorWording.cliText(
                "invalid argument: ends_at 2027-06-01 00:00:00Z is before starts_at 2027-06-20 00:00:00Z"
            )
                == "invalid argument: --until 2027-06-01T00:00:00Z is before --from 2027-06-20T00:00:00Z"
        )
        #expect(
            TenantErrorWording.cliText("Swap them: the freeze runs from --from (starts_at) to --until (ends_at).")
                == "Swap them: the freeze runs from --from to --until."
        )
        #expect(
            TenantErrorWording.cliText("invalid argument: at must be a finite timestamptz, got infinity")
                == "invalid argument: --at must be a finite instant, got infinity"
        )
        #expect(
            TenantErrorWording.cliText("invalid argument: days must be a positive number of days, got 0")
                == "invalid argument: --days must be a positive number of days, got 0"
        )
        // Words that merely contain a name stay as they are.
        #expect(TenantErrorWording.cliText("restarts_at_noon") == "restarts_at_noon")
    }

    @Test func aRuleIsSplitIntoTheRuleAndTheReason() {
        let wording = TenantErrorWording(
            sqlState: "FG002",
            message: "rule 2: a freeze must last at least 30 days; requested 19 days",
            hint:
                "The earliest end for this start is 2027-07-01 00:00:00Z: freezegate tenant freeze acme --from 2027-06-01 00:00:00Z --until 2027-07-01 00:00:00Z ... (SQL: ends_at => '2027-07-01 00:00:00Z')."
        )
        #expect(wording.rule == .init(number: 2, statement: "a freeze must last at least 30 days"))
        #expect(
            wording.humanText(sqlState: "FG002")
                == "error: rule 2: a freeze must last at least 30 days (SQLSTATE FG002)\n"
                + "reason: requested 19 days\n"
                + "hint: The earliest end for this start is 2027-07-01T00:00:00Z: freezegate tenant freeze acme --from 2027-06-01T00:00:00Z --until 2027-07-01T00:00:00Z ...\n"
        )
    }

    @Test func aRewordedRuleMessageKeepsEveryWordAsTheReason() {
        let wording = TenantErrorWording(
            sqlState: "FG002",
            message: "rule 2: freezes are 30 days or more: 19",
            hint: nil
        )
        #expect(wording.message == "rule 2: a freeze must last at least 30 days")
        #expect(wording.reason == "freezes are 30 days or more: 19")
        #expect(wording.hint == nil)
    }

    @Test func otherErrorsKeepTheirMessage() {
        let wording = TenantErrorWording(
            sqlState: "22007",
            message: "invalid input syntax for type timestamp",
            hint: ""
        )
        #expect(wording.rule == nil)
        #expect(
            wording.humanText(sqlState: "22007") == "error: invalid input syntax for type timestamp (SQLSTATE 22007)\n"
        )
    }
}
