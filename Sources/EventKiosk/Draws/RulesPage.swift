import Foundation

/// The public promotion rules page (/rules): prize kinds, counts and values, who takes part, how it is decided and checked.
enum RulesPage {
    static func render(db: AppDatabase) async throws -> String {
        guard let event = try await db.event() else { throw DomainError.notFound("尚未加载活动 / No event loaded") }
        let wheel = try await db.wheel()
        let e = HTML.escape
        let prizeRows = wheel.prizes.map { "<tr><td>\(e($0.name))</td><td>¥\($0.value)</td><td>\($0.stock)</td><td>\($0.remaining)</td></tr>" }
            .joined()
        let names = Dictionary(event.wheel.prizes.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let changeRows = wheel.stockChanges.map { c -> String in
            let kind =
                c.returnedSpin != nil ? "作废退回 returned by a void" : c.stock < c.oldStock ? "减少 removed（\(e(c.reason ?? ""))）" : "增加 added"
            return "<tr><td>第 \(c.afterSpin) 次转盘后 after spin \(c.afterSpin)</td><td>\(e(names[c.prize] ?? c.prize))</td>"
                + "<td>\(c.oldStock) → \(c.stock)</td><td>\(kind)</td></tr>"
        }.joined()
        let changes =
            changeRows.isEmpty
            ? ""
            : """
            <h3>开转后的库存变更 · Stock changed after the first spin</h3>
            <table id="stock-changes"><thead><tr><th>何时 When</th><th>奖品 Prize</th><th>数量 Count</th><th>类型 Kind</th></tr></thead>
            <tbody>\(changeRows)</tbody></table>
            """
        let drawRows = event.draws.map {
            "<tr><td>\(e($0.name))</td><td>¥\($0.value)</td><td>\($0.winners)</td><td>\($0.pool == "orders" ? "当日订车客户 / customers who ordered today" : "到场来宾 / guests checked in")</td></tr>"
        }.joined()
        // Typed as String: an untyped literal here can be inferred as GRDB's `SQL`, which printed its own description.
        let tiers: String = event.tiers.enumerated().map { i, t -> String in
            let upper = i + 1 < event.tiers.count ? "–\(event.tiers[i + 1].from - 1)" : "+"
            return "<li>\(t.from)\(upper) 台：每台 ¥\(t.rebate) / \(t.from)\(upper) orders: ¥\(t.rebate) per car</li>"
        }.joined()
        // After the close the seed itself, so the page a guest photographed at the door can be checked against it.
        let revealed =
            wheel.seed.map {
                "<p id=\"revealed-seed\">活动已结束，种子已公布 · The day is closed; the seed is <code>\(e($0))</code>"
                    + "（<a href=\"/api/wheel/record\">转盘记录 wheel record</a>）</p>"
            } ?? ""
        return """
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>活动规则 · \(e(event.name))</title><link rel="stylesheet" href="/css/kiosk.css"></head><body>
            <header class="top"><h1>活动规则 · Rules</h1></header><main>
            <section class="panel"><h2>\(e(event.name))</h2><p>\(e(event.date)) \(e(event.startTime ?? "")) · \(e(event.venue)) · \(e(event.dealer))</p></section>
            <section class="panel"><h2>订单累计返利 · Rebate for every order</h2><ul>\(tiers)</ul>
            <p>当日有效订单越多，全场每一台的优惠越高；作废订单不计。The more valid orders today, the bigger the rebate on every car; voided orders do not count.</p></section>
            <section class="panel"><h2>幸运大转盘 · Lucky wheel</h2>
            <p>每张有效订单可转一次，夺宝令牌可获主持人奖励转盘一次；每次必中一件精品，奖品送完即止。Every valid order spins once; a treasure token can earn a bonus spin. Every spin wins an accessory while stock lasts.</p>
            <table><thead><tr><th>奖品 Prize</th><th>价值 Value</th><th>数量 Count</th><th>剩余 Left</th></tr></thead><tbody>\(prizeRows)</tbody></table>\(changes)
            <p>中奖由服务器决定：开场时公布种子承诺 <code>\(e(wheel.commitment))</code>，活动结束后公布种子，任何人都可按公开算法复核每一次转盘。每次转盘的中奖概率等于各奖品剩余数量所占比例。
            The server decides each spin from a seed whose SHA-256 commitment above is published before the first spin; the seed is revealed
            when the event closes, so anyone can recompute every spin. Each prize's chance equals its share of the stock left.</p>
            \(revealed)</section>
            <section class="panel"><h2>幸运抽奖 · Grand draw</h2>
            <table><thead><tr><th>奖项 Prize</th><th>价值 Value</th><th>名额 Winners</th><th>参与 Who takes part</th></tr></thead><tbody>\(drawRows)</tbody></table>
            <p>抽奖前公布种子承诺；冻结名单后公布人数与名单摘要；现场来宾喊出一个数字作为"盐"；随后按公开算法抽出中奖者与候补，并公布种子。不在场的中奖者由下一位候补递补，不设"重抽"。
            A seed commitment is shown before the draw; the entrants are frozen and their count and digest shown; a guest calls out a number (the salt); the winners and ordered alternates are then computed by the published algorithm and the seed revealed. A winner who is absent is replaced by the next alternate; there is no re-draw.</p>
            <p>复核：<code>kiosk verify-draw draw.json</code>。Check it yourself with <code>kiosk verify-draw draw.json</code>.</p></section>
            <section class="panel"><h2>合规 · Compliance</h2><p>依《反不正当竞争法》第十条，抽奖式有奖销售最高奖金额不超过 ¥\(EventConfig.promotionPrizeLimit)。
            Under the Anti-Unfair Competition Law art. 10, no lottery-style prize exceeds ¥\(EventConfig.promotionPrizeLimit).</p></section>
            </main></body></html>
            """
    }
}
