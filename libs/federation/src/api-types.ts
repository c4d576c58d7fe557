// GENERATED from the node's OpenAPI document by openapi-typescript; do not edit.
// Regenerate after changing the API: bash deploy/local/prepare.sh && node deploy/api-types.js
// (test/e2e/node-openapi.spec.ts fails while this file differs from what a running node serves).
export interface paths {
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description The process answers.
         */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description The database and the broker are reachable.
         */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Exchange counters, outbox backlog and consumer lag.
         */
        get: operations["HealthController_prometheus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ledger entries
         * @description Metadata and digests (never notice content), filtered; keyset pages by seq (role auditor).
         */
        get: operations["AuditController_entries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/messages/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Timeline of one message
         * @description Its entries and those that refer to it.
         */
        get: operations["AuditController_timeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/proofs/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Inclusion proof
         * @description RFC 6962 inclusion proof of entry `seq` in the tree of `size` entries.
         */
        get: operations["AuditController_inclusion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/proofs/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Consistency proof
         * @description RFC 6962 consistency proof between two tree sizes.
         */
        get: operations["AuditController_consistency"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Latest checkpoint
         * @description With its witness cosignatures and whether the quorum is reached. Roles auditor, admin.
         */
        get: operations["AuditController_checkpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/integrity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ledger damage report
         * @description A full self-audit now, in one snapshot: every damage found (seq and kind: edited, missing, inserted, reordered), and what the background audit knows. Reports only, never repairs (docs/runbook-ledger-damage.md). Roles auditor, admin.
         */
        get: operations["AuditController_integrityReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Witness alerts
         * @description Refused checkpoints with both signed notes as evidence.
         */
        get: operations["AuditController_alerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit/bundle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit bundle
         * @description NDJSON, streamed: entries, proofs and the cosigned checkpoint that covers them, verifiable offline.
         */
        get: operations["AuditController_bundle"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Notices this agency sent
         * @description Newest first, without content.
         */
        get: operations["NoticesController_list"];
        put?: never;
        /**
         * Send a notice
         * @description Signs, encrypts and sends a notice to one or more agencies (role operator). Takes an Idempotency-Key so that a retry never sends twice.
         */
        post: operations["NoticesController_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send many notices
         * @description Up to 500 notices in one request (role operator), for systems that integrate system to system. Each is validated and written on its own: the answer lists, in order, each notice's id or its problem, and a refusal of one leaves the others sent. A malformed batch, or one that does not fit the send queue (503), is refused whole with nothing written. Takes an Idempotency-Key.
         */
        post: operations["NoticesController_sendBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One sent notice
         * @description With its content, the case it belongs to (`case`, null for none) and each recipient's status.
         */
        get: operations["NoticesController_detail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The inbox
         * @description Received queries, open work first (role liaison_officer).
         */
        get: operations["InboxController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One received notice
         * @description With its content, handling code, deadline and the case it belongs to (`case`, null for none).
         */
        get: operations["InboxController_detail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge a received notice
         * @description Tells the sender it is being handled. Takes an Idempotency-Key.
         */
        post: operations["InboxController_acknowledge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/answer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer a received query
         * @description Hit (with details: a summary, optionally the matched identity — names, date of birth, documents, confidence, the record reference — and attachment references) or no-hit, sent back to the sender signed and encrypted. Refused for kinds that expect no answer (intelligence-report). Takes an Idempotency-Key.
         */
        post: operations["InboxController_answer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline a received query
         * @description With a reason, and a refusal ground of Directive (EU) 2023/977 Art. 6(1) (`ground`: not_available, request_not_compliant, judicial_authorisation_refused, personal_data_category, inaccurate_or_outdated, national_security, investigation_or_safety, legal_person_interests, minor_offence, not_an_offence, no_consent_of_origin), sent back to the sender. Takes an Idempotency-Key.
         */
        post: operations["InboxController_decline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/pass-on": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pass a received notice on
         * @description As a new notice to other agencies, citing the original; refused for H2. Takes an Idempotency-Key.
         */
        post: operations["InboxController_passOn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/rejected": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Refused inbox messages
         * @description Metadata and reason of each message the inbox refused (roles admin, auditor).
         */
        get: operations["RejectedController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload an attachment
         * @description Streams a file into encrypted storage (roles operator, liaison officer), to send with a notice: name its id in the notice's `attachments`. The body is the file's bytes; `Content-Type` is its media type, which must be allowed in the federation (images JPEG, PNG, WebP, HEIC; PDF; plain text; CSV; LIAISON_ATTACHMENT_MEDIA_TYPES) and agree with the file's first bytes. At most LIAISON_ATTACHMENT_MAX_BYTES (default 50 MiB; LIAISON_ATTACHMENT_MAX_NOTICE_BYTES in all per notice, default 100 MiB); a refused upload leaves nothing behind. Unsent uploads are deleted after a day.
         */
        post: operations["AttachmentsController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/attachments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One of your uploads
         * @description Its id, name, type, size, SHA-256 and whether it was sent (uploader only).
         */
        get: operations["AttachmentsController_uploaded"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices/{id}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Attachments of a sent notice
         * @description Each attachment with, per recipient, its transfer: `sending` (chunks published so far), `sent`, `delivered` (the recipient verified it whole) or `failed` (with the recipient's reason).
         */
        get: operations["AttachmentsController_sent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices/{id}/attachments/{attachment}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an attachment of a sent notice
         * @description The file exactly as uploaded, streamed; one byte range with `Range: bytes=a-b` (206). Served with nosniff, a sandboxing CSP and `Content-Disposition: attachment` (`?disposition=inline` for images).
         */
        get: operations["AttachmentsController_downloadSent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Attachments of a received notice
         * @description Each attachment the notice declared, with `available` once it arrived whole, its SHA-256 matched and its bytes agree with its media type; a partial attachment is never offered. Liaison officers; operators for the responses to their notices (a hit's photo).
         */
        get: operations["AttachmentsController_received"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/attachments/{attachment}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an attachment of a received notice
         * @description The file byte for byte as the sender uploaded it (verified on arrival), streamed; `Range` supported (206). Served with nosniff, a sandboxing CSP and `Content-Disposition: attachment` (`?disposition=inline` for images). 409 until it is available. Liaison officers; operators for the responses to their notices.
         */
        get: operations["AttachmentsController_downloadReceived"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cases this agency knows
         * @description Newest first: owned, joined, invited to, declined or left. Auditors see metadata only (no title, purpose or legal basis).
         */
        get: operations["CasesController_list"];
        put?: never;
        /**
         * Open a case (joint operation)
         * @description This agency owns it; a reference <agency>-<year>-<serial> is assigned; the agencies in `invite` receive signed invitations. Recorded as a `case-opened` ledger entry (role operator). Takes an Idempotency-Key.
         */
        post: operations["CasesController_open"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One case with its timeline
         * @description Membership, the membership events this agency holds, and the timeline of the case's notices across agencies: who sent what to whom, each recipient's workflow state, what is open and what is overdue. Metadata only, never notice content.
         */
        get: operations["CasesController_show"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases/{id}/invite": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Invite an agency to a case
         * @description Owner only; a signed invitation carrying the case's definition goes to the invitee and to every member and invitee. Takes an Idempotency-Key.
         */
        post: operations["CasesController_invite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation
         * @description Only the invitee; the signed acceptance goes to the owner, who answers with a signed `join` to every member. Takes an Idempotency-Key.
         */
        post: operations["CasesController_accept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline an invitation
         * @description Only the invitee, with an optional reason; sent to every member and invitee. Takes an Idempotency-Key.
         */
        post: operations["CasesController_decline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases/{id}/leave": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Leave a case
         * @description A member leaves itself (the owner closes instead); sent to every member and invitee. Takes an Idempotency-Key.
         */
        post: operations["CasesController_leave"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close a case
         * @description Owner only; afterwards every membership event and every notice of the case is refused. Takes an Idempotency-Key.
         */
        post: operations["CasesController_close"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/cases/{id}/notices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a notice of a case
         * @description To the members named, or to all participants (the current members but this agency, expanded now); the case's handling code unless another is given; `re` makes it a follow-up in a thread. Members only, while the case is open (role operator). Takes an Idempotency-Key.
         */
        post: operations["CasesController_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices/{id}/thread": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The thread of a notice
         * @description Every notice this agency holds that is linked to it by `re` (what it follows up, and every follow-up), oldest first, at most 500; content only for operators and liaison officers, metadata for auditors.
         */
        get: operations["ThreadController_thread"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/casework": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Casework of a received notice
         * @description Who it is assigned to (and the history), internal notes, and correlations: other notices this agency holds sharing a selector, document or name with date of birth (role liaison_officer).
         */
        get: operations["InboxCaseworkController_view"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Assign a received notice to an officer
         * @description Recorded with who assigned it and when; the newest assignment counts. Local to this agency, never sent. Takes an Idempotency-Key.
         */
        post: operations["InboxCaseworkController_assign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add an internal note to a received notice
         * @description Kept by this agency only (sealed at rest, never sent), with its author and time. Takes an Idempotency-Key.
         */
        post: operations["InboxCaseworkController_note"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices/{id}/casework": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Casework of a sent notice
         * @description Internal notes and correlations of a notice this agency sent (role operator).
         */
        get: operations["NoticesCaseworkController_view"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notices/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add an internal note to a sent notice
         * @description Kept by this agency only (sealed at rest, never sent), with its author and time (role operator). Takes an Idempotency-Key.
         */
        post: operations["NoticesCaseworkController_note"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search this agency's notices
         * @description By case reference, person name (given names first, or the family name alone), date of birth, document number (with its issuing country) and selector (with its kind; platform for usernames, country for national phone numbers). Every criterion is normalised (docs/selectors.md) and looked up in the blind index; all must match. Metadata and summary only (roles operator, liaison_officer; never auditors).
         */
        get: operations["SearchController_search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/correlations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Correlations of a case
         * @description Every notice of the case with this reference (its envelope names the case) or whose body gives this case reference, each with the other notices it correlates with (roles operator, liaison_officer).
         */
        get: operations["SearchController_correlations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/match/index/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import match index entries
         * @description Adds and removes up to 1000 values of this agency's private-match index (role admin): each canonicalised (docs/PROTOCOL.md §6), sealed at rest, evaluated under the agency's OPRF key; the filter is rebuilt and sent to every partner once the index has been quiet for LIAISON_MATCH_PUBLISH_DELAY_MS. `liaison match-index import` sends a file through this.
         */
        post: operations["MatchController_importEntries"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/match/index": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The match index
         * @description Size, last import, key age and rotation, partners, the last filter sent (role admin). Never a value, never the key.
         */
        get: operations["MatchController_index"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/match/holders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Holders this agency may check against
         * @description Each configured holder (LIAISON_MATCH_HOLDERS) and the filter held of it (key id, entries, when issued and received), or null (role operator).
         */
        get: operations["MatchController_holders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/match/checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check values against other agencies (private hit/no-hit)
         * @description Blinds each value and sends one match-request to each holder named; waits up to LIAISON_MATCH_CHECK_WAIT_MS (default 5 s) for the answers: 200 with every result, or 202 with Location while an answer is outstanding (GET it until `complete`). The holder learns only that a query of n values was made; hits are checked here against its filter. Refused: a holder not configured (403 match_not_authorised), one whose filter has not arrived (409 match_no_filter). Role operator.
         */
        post: operations["MatchController_check"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/match/checks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One check
         * @description Its status per holder and the hits (indexes of the values sent); role operator.
         */
        get: operations["MatchController_show"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/match/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Private-match counts
         * @description Served (as holder), per partner: requests evaluated, elements evaluated, refusals by code (rate limit included), follow-up queries received that refer to an answer. Asked (as requester), per holder: requests, elements, hits, refusals, follow-ups sent. Counts only (role auditor).
         */
        get: operations["MatchController_audit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/directory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Agencies of the federation
         * @description Code, name and country of each agency in the directory this node trusts.
         */
        get: operations["DirectoryController_agencies"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/directory.jws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed federation directory
         * @description The compact JWS exactly as this node verified it.
         */
        get: operations["DirectoryController_signed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who am I
         * @description The principal the bearer token stands for: subject, agency, roles.
         */
        get: operations["DirectoryController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details. `code` is stable (the last segment of `type`); `errors` names each field, query parameter, path parameter or header that was wrong. */
        Problem: {
            /**
             * Format: uri
             * @example urn:liaison:problem:invalid_request
             */
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @description The request path. */
            instance?: string;
            code: string;
            errors: {
                field: string;
                message: string;
            }[];
            /** @description With 503 and some 409s: when to ask again (also in Retry-After). */
            retryAfterSeconds?: number;
        };
        Handling: {
            /** @enum {unknown} */
            code: "H0" | "H1" | "H2" | "H3";
            restriction?: string;
        };
        Grades: {
            /** @enum {unknown} */
            source: "A" | "B" | "C" | "X";
            /** @enum {unknown} */
            information: 1 | 2 | 3 | 4;
        };
        /** @description A notice to send. `body` follows the schema of its `kind`: identity-query → IdentityQueryBody, location-query → LocationQueryBody, intelligence-report → IntelligenceReportBody. */
        ComposeRequest: {
            /** @enum {string} */
            kind: "identity-query" | "location-query" | "intelligence-report";
            recipients: string[];
            handling: components["schemas"]["Handling"];
            grades: components["schemas"]["Grades"];
            /** @enum {unknown} */
            priority: "urgent" | "normal";
            /** Format: date-time */
            expiresAt: string;
            body: components["schemas"]["IdentityQueryBody"] | components["schemas"]["LocationQueryBody"] | components["schemas"]["IntelligenceReportBody"];
            re?: string;
            case?: string;
            /** @description Ids of files uploaded with POST /attachments: they travel end to end encrypted with the notice (claim `att`). */
            attachments?: string[];
        };
        /** @description A hit (with details) or no-hit; to decline, use the decline operation. */
        AnswerRequest: {
            handling?: {
                /** @enum {unknown} */
                code: "H0" | "H1" | "H2" | "H3";
                restriction?: string;
            };
            grades?: {
                /** @enum {unknown} */
                source: "A" | "B" | "C" | "X";
                /** @enum {unknown} */
                information: 1 | 2 | 3 | 4;
            };
            /** @description Ids of files uploaded with POST /attachments: they travel end to end encrypted with the notice (claim `att`). */
            attachments?: string[];
        } & components["schemas"]["ResponseBody"];
        DeclineRequest: {
            /** @enum {unknown} */
            ground?: "not_available" | "request_not_compliant" | "judicial_authorisation_refused" | "personal_data_category" | "inaccurate_or_outdated" | "national_security" | "investigation_or_safety" | "legal_person_interests" | "minor_offence" | "not_an_offence" | "no_consent_of_origin";
            reason: string;
        };
        AssignmentRequest: {
            officer: string;
        };
        NoteRequest: {
            text: string;
        };
        /** @description Another notice this agency holds that shares a correlating term (selector, document, name with date of birth) — found through the blind index, never plaintext. */
        Correlation: {
            id: string;
            sender: string;
            /** @enum {unknown} */
            direction: "outbound" | "inbound";
            kind: string;
            /** Format: date-time */
            issuedAt: string;
            /** @description Kinds of the shared terms: phone, email, url, username, document, person. */
            shared: string[];
            /** @description The case (joint operation) its envelope names, else null. */
            case: string | null;
            /** @description That case's reference; for a notice of no case, the case reference its body gives. */
            caseReference: string | null;
            /** @example phone number also in intelligence-report from NL (case NL-2026-0042), 3 days ago */
            text: string;
        };
        Casework: {
            id: string;
            sender: string;
            assignedTo: string | null;
            assignments: {
                officer: string;
                assignedBy: string;
                /** Format: date-time */
                assignedAt: string;
            }[];
            notes: {
                id: string;
                author: string;
                /** Format: date-time */
                createdAt: string;
                text: string;
            }[];
            correlations: components["schemas"]["Correlation"][];
        };
        PassOnRequest: {
            recipients: string[];
        };
        SendResult: {
            id: string;
            /**
             * Format: date-time
             * @description When answers are due; null for kinds that expect none (intelligence-report).
             */
            deadline: string | null;
            /** @constant */
            status: "SENT";
        };
        AttachmentFile: {
            id: string;
            name: string | null;
            /** @description Media type. */
            type: string;
            /** @description Bytes of the file. */
            size: number;
            /** @description SHA-256 of the file, lowercase hex (signed in the notice's claim `att`). */
            sha256: string;
            /** @description 256 KiB chunks it travels in. */
            chunks: number;
            status: string;
        };
        AttachmentFacts: components["schemas"]["AttachmentFile"] & {
            /**
             * @description attached: sent with a notice (an upload goes with one notice only).
             * @enum {unknown}
             */
            status?: "uploaded" | "attached";
        };
        SentAttachment: components["schemas"]["AttachmentFile"] & {
            recipients: {
                agency: string;
                /**
                 * @description delivered: the recipient verified it whole; failed: see `code`.
                 * @enum {unknown}
                 */
                status: "sending" | "sent" | "delivered" | "failed";
                chunksSent: number;
                /** @description The recipient's reason, when it failed. */
                code: string | null;
                /** Format: date-time */
                deliveredAt: string | null;
            }[];
        };
        ReceivedAttachment: components["schemas"]["AttachmentFile"] & {
            sender: string;
            /** @description Arrived whole, its SHA-256 matched and its bytes agree with its type: it can be downloaded. */
            available: boolean;
            /** Format: date-time */
            completedAt: string | null;
        };
        BatchSendRequest: {
            notices: components["schemas"]["ComposeRequest"][];
        };
        BatchSendResult: {
            sent: number;
            refused: number;
            /** @description One per notice of the request, in its order: sent (201, with id and deadline) or not (its status and problem). */
            results: ({
                /** @constant */
                status: 201;
                id: string;
                /** Format: date-time */
                deadline: string | null;
            } | {
                status: number;
                problem: components["schemas"]["Problem"];
            })[];
        };
        ActionResult: {
            id: string;
            /** @enum {unknown} */
            status: "SENT" | "DELIVERED" | "ACKNOWLEDGED" | "ANSWERED" | "DECLINED" | "EXPIRED";
            responseId?: string;
        };
        Created: {
            id: string;
        };
        OpenCaseRequest: {
            title: string;
            purpose: string;
            legalBasis: string;
            handling: {
                /** @enum {unknown} */
                code: "H0" | "H1" | "H2" | "H3";
                restriction?: string;
            };
            period: {
                /** Format: date */
                from: string;
                /** Format: date */
                until: string;
            };
            invite?: string[];
        };
        InviteRequest: {
            agency: string;
        };
        DeclineCaseRequest: {
            reason?: string;
        };
        /** @description A ComposeRequest without `case` (the path names it); `recipients` may be left out (all participants: the current members but this agency) and so may `handling` (the case's default handling code). */
        CaseNoticeRequest: Record<string, unknown>;
        MatchImportRequest: {
            entries: {
                /** @enum {unknown} */
                kind: "document" | "phone" | "email" | "username" | "person";
                value: string;
                country?: string;
                platform?: string;
                dob?: string;
                /** @enum {unknown} */
                op?: "add" | "remove";
            }[];
        };
        MatchImportResult: {
            added: number;
            removed: number;
            /** @description Additions already held and removals of values not held. */
            unchanged: number;
            /** @description Entries in the index now. */
            size: number;
        };
        /** @description The index: size, entries per kind, last import, the OPRF key (id, createdAt, ageDays, rotatesAt; never the key), partners that may query it, holders this agency may query, the rate limit, the false-positive rate, and the last filter sent (digest, entries, bytes, parts, build time, partners). */
        MatchIndexStatus: Record<string, unknown>;
        MatchCheckRequest: {
            values: {
                /** @enum {unknown} */
                kind: "document" | "phone" | "email" | "username" | "person";
                value: string;
                country?: string;
                platform?: string;
                dob?: string;
            }[];
            partners: string[];
        };
        /** @description One check: per holder its status (pending, answered, refused, failed with `code`), the indexes of the values (as sent, 0-based) that hit, and `answerId`, the holder's match-response: a follow-up identity query names it in `re`. Never a value. */
        MatchCheck: {
            id: string;
            /** Format: date-time */
            createdAt: string;
            values: number;
            complete: boolean;
            partners: {
                partner: string;
                /** @enum {unknown} */
                status: "pending" | "answered" | "refused" | "failed";
                hits: number[];
                requestId?: string;
                answerId?: string | null;
                answeredAt?: string | null;
                code?: string;
                detail?: string;
            }[];
        };
        /** @description A case: id, reference, owner, status (open, closed), this agency's standing, members, invited, accepted, declined, left, handling, period; title, purpose and legalBasis only for operators and liaison officers; in the detail also its membership events and the timeline of its notices (metadata only). */
        Case: Record<string, unknown>;
        /** Identify a person of interest */
        IdentityQueryBody: {
            names?: {
                family?: string;
                given?: string;
            };
            aliases?: {
                family?: string;
                given?: string;
            }[];
            /** Format: partial-date */
            date_of_birth?: string;
            /** Format: iso3166-alpha2 */
            nationality?: string;
            identity_documents?: {
                /** @enum {unknown} */
                type: "passport" | "national_id" | "driving_licence" | "residence_permit" | "visa" | "other";
                number: string;
                /** Format: iso3166-alpha2 */
                issuing_country: string;
            }[];
            photo?: {
                attachment?: string;
                digest?: string;
                reference?: string;
                /** @enum {unknown} */
                media_type?: "image/jpeg" | "image/png" | "image/webp";
            };
            case_reference: string;
            reason: string;
            legal_basis: string;
            selectors?: {
                kind: string;
                value: string;
                platform?: string;
                /** Format: iso3166-alpha2 */
                country?: string;
            }[];
        } | unknown | unknown | unknown;
        /** Locate a person of interest */
        LocationQueryBody: {
            names?: {
                family?: string;
                given?: string;
            };
            aliases?: {
                family?: string;
                given?: string;
            }[];
            /** Format: partial-date */
            date_of_birth?: string;
            /** Format: iso3166-alpha2 */
            nationality?: string;
            identity_documents?: {
                /** @enum {unknown} */
                type: "passport" | "national_id" | "driving_licence" | "residence_permit" | "visa" | "other";
                number: string;
                /** Format: iso3166-alpha2 */
                issuing_country: string;
            }[];
            photo?: {
                attachment?: string;
                digest?: string;
                reference?: string;
                /** @enum {unknown} */
                media_type?: "image/jpeg" | "image/png" | "image/webp";
            };
            last_known_location: {
                /** Format: iso3166-alpha2 */
                country?: string;
                area?: string;
                address?: string;
                coordinates?: {
                    lat: number;
                    lon: number;
                };
                /** Format: date-time */
                seen_at?: string;
            };
            case_reference: string;
            reason: string;
            legal_basis: string;
            selectors?: {
                kind: string;
                value: string;
                platform?: string;
                /** Format: iso3166-alpha2 */
                country?: string;
            }[];
        } | unknown | unknown | unknown;
        /** Outcome of a query */
        ResponseBody: {
            /** @constant */
            outcome: "hit";
            details: {
                summary: string;
                identity?: {
                    names?: {
                        family?: string;
                        given?: string;
                    }[];
                    /** Format: partial-date */
                    date_of_birth?: string;
                    identity_documents?: {
                        /** @enum {unknown} */
                        type: "passport" | "national_id" | "driving_licence" | "residence_permit" | "visa" | "other";
                        number: string;
                        /** Format: iso3166-alpha2 */
                        issuing_country: string;
                    }[];
                    /** @enum {unknown} */
                    confidence: "confirmed" | "probable" | "possible";
                    record_reference?: string;
                    photo?: {
                        attachment?: string;
                        digest?: string;
                        reference?: string;
                        /** @enum {unknown} */
                        media_type?: "image/jpeg" | "image/png" | "image/webp";
                    };
                } | unknown | unknown;
                attachments?: {
                    digest: string;
                    reference: string;
                    name?: string;
                    media_type?: string;
                    size?: number;
                }[];
                subject?: {
                    names?: {
                        family?: string;
                        given?: string;
                    };
                    aliases?: {
                        family?: string;
                        given?: string;
                    }[];
                    /** Format: partial-date */
                    date_of_birth?: string;
                    /** Format: iso3166-alpha2 */
                    nationality?: string;
                    identity_documents?: {
                        /** @enum {unknown} */
                        type: "passport" | "national_id" | "driving_licence" | "residence_permit" | "visa" | "other";
                        number: string;
                        /** Format: iso3166-alpha2 */
                        issuing_country: string;
                    }[];
                    photo?: {
                        attachment?: string;
                        digest?: string;
                        reference?: string;
                        /** @enum {unknown} */
                        media_type?: "image/jpeg" | "image/png" | "image/webp";
                    };
                };
                location?: {
                    /** Format: iso3166-alpha2 */
                    country?: string;
                    area?: string;
                    address?: string;
                    coordinates?: {
                        lat: number;
                        lon: number;
                    };
                    /** Format: date-time */
                    seen_at?: string;
                };
                records?: {
                    label: string;
                    value: string;
                }[];
            };
        } | {
            /** @constant */
            outcome: "no-hit";
        } | {
            /** @constant */
            outcome: "declined";
            /** @enum {unknown} */
            ground?: "not_available" | "request_not_compliant" | "judicial_authorisation_refused" | "personal_data_category" | "inaccurate_or_outdated" | "national_security" | "investigation_or_safety" | "legal_person_interests" | "minor_offence" | "not_an_offence" | "no_consent_of_origin";
            reason: string;
        };
        /** Delivery receipt from the recipient node */
        ReceiptBody: {
            /** Format: date-time */
            received_at: string;
            received?: {
                id: string;
                digest: string;
            }[];
        };
        /** Acknowledgement by a person of the recipient agency */
        AcknowledgementBody: {
            acknowledged_by: {
                role: string;
                ref: string;
            };
            /** Format: date-time */
            at: string;
        };
        /** Attachment receipt from the recipient node */
        AttachmentReceiptBody: {
            attachments: {
                id: string;
                /** @enum {unknown} */
                status: "available" | "refused" | "stalled";
                /** @enum {unknown} */
                code?: "malformed_chunk" | "not_addressed" | "unknown_attachment" | "index_out_of_range" | "oversize_chunk" | "wrong_chunk_length" | "chunk_digest_mismatch" | "not_allowed" | "incomplete" | "decryption_failed" | "digest_mismatch" | "media_type_mismatch" | "stalled";
                /** Format: date-time */
                at: string;
            }[];
        };
        /** Share information without a request */
        IntelligenceReportBody: {
            narrative: string;
            case_reference?: string;
            case?: string;
            subjects?: {
                names?: {
                    family?: string;
                    given?: string;
                };
                aliases?: {
                    family?: string;
                    given?: string;
                }[];
                /** Format: partial-date */
                date_of_birth?: string;
                /** Format: iso3166-alpha2 */
                nationality?: string;
                identity_documents?: {
                    /** @enum {unknown} */
                    type: "passport" | "national_id" | "driving_licence" | "residence_permit" | "visa" | "other";
                    number: string;
                    /** Format: iso3166-alpha2 */
                    issuing_country: string;
                }[];
                photo?: {
                    attachment?: string;
                    digest?: string;
                    reference?: string;
                    /** @enum {unknown} */
                    media_type?: "image/jpeg" | "image/png" | "image/webp";
                };
            }[];
            selectors?: {
                kind: string;
                value: string;
                platform?: string;
                /** Format: iso3166-alpha2 */
                country?: string;
            }[];
            attachments?: {
                digest: string;
                reference: string;
                name?: string;
                media_type?: string;
                size?: number;
            }[];
        };
        /** Case event: invite */
        CaseInviteBody: {
            agency: string;
            seq: number;
            case: {
                reference: string;
                title: string;
                purpose: string;
                legal_basis: string;
                handling: {
                    /** @enum {unknown} */
                    code: "H0" | "H1" | "H2" | "H3";
                    restriction?: string;
                };
                period: {
                    /** Format: date */
                    from: string;
                    /** Format: date */
                    until: string;
                };
                owner: string;
            };
            members: string[];
            invited: string[];
        };
        /** Case event: accept */
        CaseAcceptBody: {
            agency: string;
        };
        /** Case event: decline */
        CaseDeclineBody: {
            agency: string;
            reason?: string;
        };
        /** Case event: join */
        CaseJoinBody: {
            agency: string;
            seq: number;
            members: string[];
        };
        /** Case event: leave */
        CaseLeaveBody: {
            agency: string;
        };
        /** Case event: close */
        CaseCloseBody: {
            agency: string;
            seq: number;
        };
        /** Private match: match-filter */
        MatchFilterBody: {
            /** @constant */
            v: 1;
            key_id: string;
            public_key: string;
            filter: string;
            part: number;
            parts: number;
            bytes: string;
        };
        /** Private match: match-request */
        MatchRequestBody: {
            /** @constant */
            v: 1;
            key_id: string;
            elements: string[];
        };
        /** Private match: match-response */
        MatchResponseBody: {
            /** @constant */
            v: 1;
            key_id: string;
            evaluated: string[];
            proof: string;
        };
        /** Private match: match-refusal */
        MatchRefusalBody: {
            /** @constant */
            v: 1;
            code: string;
            detail: string;
            retry_after_seconds?: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthController_prometheus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics in the Prometheus text format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    AuditController_entries: {
        parameters: {
            query?: {
                /** @description From this time (inclusive). */
                from?: string;
                /** @description Before this time. */
                to?: string;
                /** @description The other agency. */
                counterpart?: string;
                /** @description Notice kind. */
                kind?: string;
                /** @description Ledger event. */
                event?: "sent" | "received" | "delivered" | "acknowledged" | "answered" | "declined" | "expired" | "rejected" | "redelivered" | "directory-updated" | "key-changed" | "case-opened" | "attachment-sent" | "attachment-received" | "attachment-refused" | "attachment-delivered" | "attachment-deleted" | "match-evaluated" | "match-checked";
                /** @description One message. */
                messageId?: string;
                /** @description Keyset cursor: entries after this seq. */
                after?: string;
                /** @description Page size, 1–1000 (default 50; 100 for the audit log). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditController_timeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The timeline. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditController_inclusion: {
        parameters: {
            query?: {
                /** @description The entry (required). */
                seq?: string;
                /** @description Tree size (default: the latest checkpoint). */
                size?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The proof. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditController_consistency: {
        parameters: {
            query?: {
                /** @description Older size (required). */
                from?: string;
                /** @description Newer size (required). */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The proof. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditController_checkpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The checkpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditController_integrityReport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditController_alerts: {
        parameters: {
            query?: {
                /** @description Keyset cursor. */
                after?: string;
                /** @description Page size, 1–1000 (default 50; 100 for the audit log). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of alerts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditController_bundle: {
        parameters: {
            query?: {
                /** @description First seq. */
                from?: string;
                /** @description Tree size to prove against. */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bundle. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    NoticesController_list: {
        parameters: {
            query?: {
                /** @description Page size, 1–1000 (default 50; 100 for the audit log). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sent notices. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>[];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    NoticesController_send: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ComposeRequest"];
            };
        };
        responses: {
            /** @description Sent (queued for the broker in the same transaction). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendResult"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    NoticesController_sendBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchSendRequest"];
            };
        };
        responses: {
            /** @description What became of each notice. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchSendResult"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    NoticesController_detail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The notice. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxController_list: {
        parameters: {
            query?: {
                /** @description Only notices in this state. */
                status?: "SENT" | "DELIVERED" | "ACKNOWLEDGED" | "ANSWERED" | "DECLINED" | "EXPIRED";
                /** @description Only this notice kind. */
                kind?: string;
                /** @description Only this priority. */
                priority?: "urgent" | "normal";
                /** @description Only from this agency. */
                sender?: string;
                /** @description Only those past their deadline. */
                overdue?: "true" | "false";
                /** @description Page size, 1–1000 (default 50; 100 for the audit log). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Received notices. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>[];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxController_detail: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The notice. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxController_acknowledge: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Acknowledged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxController_answer: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AnswerRequest"];
            };
        };
        responses: {
            /** @description Answered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxController_decline: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeclineRequest"];
            };
        };
        responses: {
            /** @description Declined. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxController_passOn: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PassOnRequest"];
            };
        };
        responses: {
            /** @description Passed on. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Created"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    RejectedController_list: {
        parameters: {
            query?: {
                /** @description Page size, 1–1000 (default 50; 100 for the audit log). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Refusals. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>[];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AttachmentsController_upload: {
        parameters: {
            query?: {
                /** @description The file name to show and offer on download (never used as a path). */
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The file, as it is (never re-encoded). */
        requestBody: {
            content: {
                "*/*": string;
            };
        };
        responses: {
            /** @description Stored: its id, size, SHA-256 of the plaintext and chunk count. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AttachmentFacts"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AttachmentsController_uploaded: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upload. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AttachmentFacts"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AttachmentsController_sent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attachments. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SentAttachment"][];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AttachmentsController_downloadSent: {
        parameters: {
            query?: {
                /** @description inline: for previewing an image in the console. */
                disposition?: "inline" | "attachment";
            };
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
                /** @description The notice or message id. */
                attachment: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file (206 for a range). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Error. */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AttachmentsController_received: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attachments. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReceivedAttachment"][];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AttachmentsController_downloadReceived: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
                /** @description inline: for previewing an image in the console. */
                disposition?: "inline" | "attachment";
            };
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
                /** @description The notice or message id. */
                attachment: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file (206 for a range). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Error. */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_list: {
        parameters: {
            query?: {
                /** @description Page size, 1–1000 (default 50; 100 for the audit log). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cases. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"][];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_open: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OpenCaseRequest"];
            };
        };
        responses: {
            /** @description Opened. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        reference: string;
                    };
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_show: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The case. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_invite: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InviteRequest"];
            };
        };
        responses: {
            /** @description Invited; the case as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_accept: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_decline: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeclineCaseRequest"];
            };
        };
        responses: {
            /** @description Declined. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_leave: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Left. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_close: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Closed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CasesController_send: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaseNoticeRequest"];
            };
        };
        responses: {
            /** @description Sent. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendResult"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ThreadController_thread: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The thread. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>[];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxCaseworkController_view: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The casework. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Casework"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxCaseworkController_assign: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignmentRequest"];
            };
        };
        responses: {
            /** @description Assigned. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    InboxCaseworkController_note: {
        parameters: {
            query?: {
                /** @description When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id). */
                sender?: string;
            };
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NoteRequest"];
            };
        };
        responses: {
            /** @description Noted. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    NoticesCaseworkController_view: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The casework. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Casework"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    NoticesCaseworkController_note: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NoteRequest"];
            };
        };
        responses: {
            /** @description Noted. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SearchController_search: {
        parameters: {
            query?: {
                /** @description Case reference (compared without letter case): of the case a notice belongs to, or the one its body gives. */
                case_reference?: string;
                /** @description A person's name: given names then family name, or the family name alone. */
                name?: string;
                /** @description YYYY, YYYY-MM or YYYY-MM-DD, as written in the notice. */
                date_of_birth?: string;
                /** @description Document number (separators ignored); needs document_country. */
                document?: string;
                /** @description Issuing country of the document. */
                document_country?: string;
                /** @description A selector value; needs selector_kind. */
                selector?: string;
                /** @description The selector's kind. */
                selector_kind?: "phone" | "email" | "url" | "username";
                /** @description The platform of a username. */
                platform?: string;
                /** @description The country of a phone number written without its country code. */
                country?: string;
                /** @description Page size, 1–100 (default 50). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Matching notices, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>[];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SearchController_correlations: {
        parameters: {
            query?: {
                /** @description The case reference (required): a case's reference, or the one a body gives. */
                case_reference?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The case's notices and their correlations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>[];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MatchController_importEntries: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MatchImportRequest"];
            };
        };
        responses: {
            /** @description What changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MatchImportResult"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MatchController_index: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MatchIndexStatus"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MatchController_holders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The holders. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>[];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MatchController_check: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MatchCheckRequest"];
            };
        };
        responses: {
            /** @description Every holder answered (202 and the same body while one has not). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MatchCheck"];
                };
            };
            /** @description The request is invalid: `errors` names each field, parameter or header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 256 KiB (an upload: larger than the federation allows). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Busy or not ready: retry after Retry-After seconds (nothing was written). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MatchController_show: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The notice or message id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The check. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MatchCheck"];
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MatchController_audit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The counts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        served: Record<string, unknown>[];
                        asked: Record<string, unknown>[];
                    };
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DirectoryController_agencies: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The directory. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DirectoryController_signed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Compact JWS. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    DirectoryController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The principal. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            /** @description No valid bearer token (WWW-Authenticate says why). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role, or the handling code forbids the action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
