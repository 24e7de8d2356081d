import Foundation
import Hummingbird

/// Printable invitation cards (staff) and each guest's personal check-in page (public, reached by the code).
struct InvitationPages {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.get("/invitations", .only(.sales), invitationSheet)
        api.get("/c/{code}", .everyone, personalPage)
        api.get("/c/{code}/qr.svg", .everyone) { _, context in
            let invitee = try await guestByCode(context)
            return InvitationsController.svgResponse(try QRCode(invitee.code))
        }
    }

    func guestByCode(_ context: AppRequestContext) async throws -> InviteeView {
        guard let code = CheckInCode.extract(from: context.parameters.get("code") ?? ""),
            let invitee = try await db.invitee(code: code), invitee.status == "active"
        else {
            throw DomainError.notFound("邀请码无效 / This invitation link is not valid")
        }
        return invitee
    }

    /// A4 sheet of cards, 6 per page; `?q=` narrows it like the search, default every active invitee.
    @Sendable func invitationSheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let event = try await db.event() else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
        let q = request.uri.queryParameters.get("q")
        // Sales print their own guests' cards; an admin prints everyone's.
        let invitees = try await db.invitees(query: q, limit: 10_000, offset: 0).items
            .filter { $0.status == "active" && !$0.walkIn && $0.seen(by: context.staff).visibleCode != nil }
        let e = HTML.escape
        let when = [event.date, event.startTime].compactMap { $0 }.joined(separator: " ")
        let cards = try invitees.map { i in
            """
            <article class="card">
              <header><div class="dealer">\(e(event.dealer))</div><h2>\(e(event.name))</h2></header>
              <div class="body">
                <div class="who">
                  <p class="greet">尊敬的 <strong>\(e(i.name))</strong> 贵宾</p>
                  <p>诚邀您莅临</p>
                  <dl><dt>时间</dt><dd>\(e(when))</dd><dt>地点</dt><dd>\(e(event.venue))</dd>
                  <dt>顾问</dt><dd>\(e(i.consultant ?? "—"))</dd><dt>人数</dt><dd>\(i.partySize)</dd></dl>
                </div>
                <figure>\(try QRCode(i.code).svg(pixelSize: 150))<figcaption>\(e(i.code))</figcaption></figure>
              </div>
              <footer>到场请出示此码签到 · Show this code at the door</footer>
            </article>
            """
        }.joined(separator: "\n")
        let html = """
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>邀请函 · \(e(event.name))</title>
            <link rel="stylesheet" href="/css/print.css"></head>
            <body class="invitations">
            <div class="noprint toolbar"><button onclick="print()">打印 Print</button> <span>共 \(invitees.count) 张 · \(invitees.count) cards</span></div>
            <main class="cards">\(cards.isEmpty ? "<p>没有可打印的邀请 / No invitations to print</p>" : cards)</main>
            </body></html>
            """
        return HTML.response(html)
    }

    /// What a guest sees from the SMS link: the event and their QR code, with the name masked.
    @Sendable func personalPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let invitee: InviteeView
        do { invitee = try await guestByCode(context) } catch {
            return HTML.response(
                "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'><link rel=stylesheet href='/css/kiosk.css'><main class='narrow'><h1>邀请链接无效</h1><p>This invitation link is not valid. 请联系您的销售顾问。</p></main>",
                status: .notFound)
        }
        let event = try await db.event()
        let e = HTML.escape
        // The guest's draw tickets, and for each draw whose entrants are frozen: the published digest and whether they
        // are among the entrants, so anyone can check that their ticket is in.
        let tickets = try await db.tickets(inviteeID: invitee.id)
        let draws = try await db.draws()
        var ticketHTML = ""
        let me = String(invitee.id)
        // Where the party sits at lunch (issue 28), once it has a table.
        if let table = try await db.table(inviteeID: invitee.id) {
            ticketHTML += "<p class=\"ticket\">午餐请到 <strong>\(e(table))</strong> 入座 · Lunch: please sit at \(e(table))</p>"
        }
        // A winner is told so, and where to collect (issue 24); a winner replaced by an alternate no longer is.
        for draw in draws where draw.state == "done" {
            let replaced = Set(draw.replacements.map(\.winner))
            let winners = (draw.winners ?? []).filter { !replaced.contains($0) } + draw.replacements.map(\.replacement)
            if winners.contains(me) {
                ticketHTML +=
                    "<p class=\"ticket won\">🎉 恭喜您在「\(e(draw.name))」中奖！请凭此页到领奖台领取 · "
                    + "You won in \(e(draw.name)): show this page at the prize desk</p>"
            }
        }
        // A ticket for a draw whose frozen list does not hold the guest (an undone check-in) is not shown beside "not in it".
        let outOf = Set(draws.filter { $0.entrantsDigest != nil && $0.entrants?.contains(me) != true }.map(\.name))
        for ticket in tickets where !outOf.contains(ticket.draw) {
            ticketHTML += "<p class=\"ticket\">抽奖券 Ticket · \(e(ticket.draw)) · <strong>№\(ticket.number)</strong></p>"
        }
        for draw in draws where draw.entrantsDigest != nil {
            let mine = draw.entrants?.contains(me) == true
            ticketHTML += """
                <p class="entrants">\(e(draw.name))：\(mine ? "✓ 您在已冻结的抽奖名单中 You are among the frozen entrants" : "✗ 不在抽奖名单中 Not among the entrants")
                <br><small>名单摘要 Entrants digest (SHA-256): <code>\(e(draw.entrantsDigest ?? ""))</code> · \(draw.count ?? 0) 人</small></p>
                """
        }
        let html = """
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(event?.name ?? "邀请函"))</title><link rel="stylesheet" href="/css/kiosk.css"></head>
            <body><main class="narrow guest">
            <h1>\(e(event?.name ?? ""))</h1>
            <p class="big">\(e(NameMask.mask(invitee.name))) 贵宾，欢迎您！</p>
            <p>\(e(event?.date ?? "")) \(e(event?.startTime ?? "")) · \(e(event?.venue ?? ""))</p>
            <img class="qr" src="/c/\(e(invitee.code))/qr.svg" alt="签到二维码 check-in QR code" width="280" height="280">
            <p class="code">\(e(invitee.code))</p>
            <p>到场时请向接待出示此二维码 · Show this code at the door</p>
            \(ticketHTML)
            </main></body></html>
            """
        return HTML.response(html)
    }
}
