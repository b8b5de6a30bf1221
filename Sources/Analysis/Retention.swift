import Dataset
import Stats

/// Tools, the tried → returned → sustained funnel, and weekly cohorts (DESIGN §4).
///
/// - tried: at least one active day with the tool in the period;
/// - returned: active in at least two distinct ISO weeks, counted among the people observed
///   for at least 14 days from their first use (people who started later cannot have returned
///   yet: they are censored, not counted as lost);
/// - sustained: active in at least half of the ISO weeks from the week of first use to the
///   period's last week, counted among the people whose span is at least four weeks.
/// Median days to second use: Kaplan–Meier, with people who have no second active day
/// censored at the days they were observed.
extension Context {
    func funnel(_ people: [(user: Int32, trace: AdoptionTrace)], tool: String) -> RetentionFigures {
        let traces = people.map(\.trace)
        var returned = 0, sustained = 0, eligibleReturned = 0, eligibleSustained = 0
        var times: [Double] = [], events: [Bool] = []
        let lastWeek = to.week
        for trace in traces {
            let observed = to - trace.first + 1
            if observed >= 14 {
                eligibleReturned += 1
                if trace.weeks.count >= 2 { returned += 1 }
            }
            let span = (lastWeek - Week(monday: trace.first.week.monday)) + 1
            if span >= 4 {
                eligibleSustained += 1
                if trace.weeks.count * 2 >= span { sustained += 1 }
            }
            if trace.second.index != .max {
                times.append(Double(trace.second - trace.first)); events.append(true)
            } else {
                times.append(Double(observed - 1)); events.append(false)
            }
        }
        let parts = people.map { Contributors.Part(person: $0.user, tokens: 0, requests: 0, cost: 0) }.sorted { $0.person < $1.person }
        return RetentionFigures(tool: tool, tried: traces.count, returned: returned, sustained: sustained,
                                eligibleReturned: eligibleReturned, eligibleSustained: eligibleSustained,
                                medianDaysToSecondUse: kaplanMeierMedian(times: times, events: events), contributors: Contributors(parts: parts))
    }

    func toolFigures(teamTotalsCount: Int) -> ([ToolFigures], [String: [WeekFigures]], [String: [RetentionFigures]], [CohortRow]) {
        let agg = aggregate
        // Each person's traces (they come by team, then tool), merged by tool across teams for
        // the tools' figures, and all together for the weekly cohorts of first use; per team
        // and tool as they are for the teams' funnels. (A person's traces are together in the
        // aggregate: three tables keyed by person and tool, team and tool, and person were 1 %
        // of a build of rows in random order, perf.)
        var toolTraces = [[(user: Int32, trace: AdoptionTrace)]](repeating: [], count: agg.tools.count)
        var byTeamTool: [PairKey: [(user: Int32, trace: AdoptionTrace)]] = [:]
        var firstUses: [AdoptionTrace] = []
        for person in 0..<Int32(agg.adoption.personCount) {
            let traces = agg.adoption.traces(of: person)
            guard !traces.isEmpty else { continue }
            var any = AdoptionTrace()
            for entry in traces {
                byTeamTool[UsageAggregate.key(entry.team, entry.tool), default: []].append((person, entry.trace))
                any.merge(entry.trace)
            }
            // By tool (the traces come by team first): a run of each tool, merged.
            let byTool = traces.sorted { $0.tool < $1.tool }
            var start = 0
            while start < byTool.count {
                var trace = byTool[start].trace
                var end = start + 1
                while end < byTool.count, byTool[end].tool == byTool[start].tool {
                    trace.merge(byTool[end].trace)
                    end += 1
                }
                toolTraces[Int(byTool[start].tool)].append((person, trace))
                start = end
            }
            firstUses.append(any)
        }
        // The teams' funnels and the cohorts on another core, beside the tools' figures.
        let teamWork = Pending { [byTeamTool, firstUses] in
            self.teamRetention(byTeamTool: byTeamTool, firstUses: firstUses)
        }
        // Per tool, the largest count of people its group rows gave on one day: one pass, not
        // one over every (tool, day) for each tool (quadratic with many tools and days).
        var toolGroupPeople: [Int32: Int] = [:]
        for (key, count) in agg.toolGroupActive {
            let tool = UsageAggregate.split(key).0
            toolGroupPeople[tool] = max(toolGroupPeople[tool] ?? 0, count)
        }
        var toolTeams: [Int32: Set<Int32>] = [:]
        for key in byTeamTool.keys {
            let (team, tool) = UsageAggregate.split(key)
            toolTeams[tool, default: []].insert(team)
        }
        let info = Dictionary(inputs.tools.map { ($0.tool, $0) }, uniquingKeysWith: { first, _ in first })

        var tools: [ToolFigures] = []
        var toolWeekly: [String: [WeekFigures]] = [:]
        // A tool with licensed seats and no usage rows is listed too: seats nobody uses are
        // the licence cost the report exists to show.
        let seatOnly = usage.seats.filter { $0.value > 0 && agg.tools.lookup($0.key) == nil }.keys
        let toolNames = (agg.tools.names + seatOnly).sorted()
        let toolSlugs = distinctSlugs(toolNames)
        // Each person's share of a tool over the weeks, by person id (dense: a hash per person
        // and week was 1 % of a build of rows in random order), and the people of the tool, by
        // whom the arrays are cleared for the next tool (not all of them: many tools and many
        // people would make that quadratic).
        var toolShares = [Share](repeating: Share(), count: agg.users.count)
        var sharing = [Bool](repeating: false, count: agg.users.count)
        var sharers: [Int32] = []
        for name in toolNames {
            let id = agg.tools.lookup(name)
            let totals = id.flatMap { toolTotals[$0] } ?? Totals()
            let traces = id.map { toolTraces[Int($0)] } ?? []
            let groupPeople = id.flatMap { toolGroupPeople[$0] } ?? 0
            let active = traces.count + groupPeople
            // A loop, not a closure: the closure's captured arrays were checked for exclusive
            // access at every person of every week.
            var weekly: [WeekFigures] = []
            weekly.reserveCapacity(weeks.count)
            for week in weeks {
                let cell = id.flatMap { agg.toolWeeks[UsageAggregate.key($0, week.monday.index)] }
                for (person, share) in cell?.shares ?? PersonShares() {
                    if !sharing[Int(person)] { sharing[Int(person)] = true; sharers.append(person) }
                    toolShares[Int(person)].add(share)
                }
                let groups = id.map { toolGroupWeekPeople($0, week) } ?? 0
                weekly.append(WeekFigures(week: week, activeUsers: (cell?.shares.count ?? 0) + groups, tokens: cell?.totals.tokens ?? 0,
                                          requests: cell?.totals.requests ?? 0, outcomes: [], primary: nil, headcount: nil,
                                          partial: isPartial(week), contributors: Contributors(cell?.shares ?? PersonShares(), anonymous: groups)))
            }
            sharers.sort()
            let contributors = Contributors(sharers.lazy.map { (key: $0, value: toolShares[Int($0)]) }, anonymous: groupPeople)
            for person in sharers { (sharing[Int(person)], toolShares[Int(person)]) = (false, Share()) }
            sharers.removeAll(keepingCapacity: true)
            tools.append(ToolFigures(
                tool: name, name: info[name]?.name ?? displayName(ofTool: name), slug: toolSlugs[name]!, capability: info[name]?.capability ?? "unclassified", vendor: info[name]?.vendor,
                contributors: contributors, activeUsers: active, tokens: totals.tokens,
                requests: totals.requests, costUSD: totals.costUSD,
                costRange: costRange(totals, seats: seatCost(name)), seats: usage.seats[name], seatCostUSD: seatCost(name),
                priced: totals.fullyPriced,
                acceptanceRate: ratio(totals.accepted, totals.shown), suggestionsShown: totals.shown,
                acceptanceRateLines: ratio(totals.linesAcceptedOfSuggested, totals.linesSuggested),
                linesSuggested: totals.linesSuggested, linesAccepted: totals.linesAccepted,
                retention: funnel(traces, tool: name), teamsUsing: id.flatMap { toolTeams[$0]?.count } ?? 0))
            toolWeekly[name] = weekly
        }
        let (byTeam, cohorts) = teamWork.value
        return (tools, toolWeekly, byTeam, cohorts)
    }

    /// Each team's funnel of each tool, and the weekly cohorts by week of first use of any
    /// tool (`firstUses`: each person's traces merged).
    private func teamRetention(byTeamTool: [PairKey: [(user: Int32, trace: AdoptionTrace)]],
                               firstUses: [AdoptionTrace]) -> ([String: [RetentionFigures]], [CohortRow]) {
        let agg = aggregate
        var byTeam: [String: [RetentionFigures]] = [:]
        for (key, people) in byTeamTool {
            let (team, tool) = UsageAggregate.split(key)
            byTeam[agg.teams[team], default: []].append(funnel(people, tool: agg.tools[tool]))
        }
        for team in byTeam.keys { byTeam[team]!.sort { $0.tool < $1.tool } }

        var cohortMembers: [Week: [AdoptionTrace]] = [:]
        for trace in firstUses { cohortMembers[trace.first.week, default: []].append(trace) }
        let lastWeek = to.week
        var cohorts: [CohortRow] = []
        for week in cohortMembers.keys.sorted() {
            let members = cohortMembers[week]!
            var retained: [Double?] = []
            for k in 1...8 {
                let target = week + k
                if target > lastWeek { retained.append(nil); continue }
                let active = members.filter { $0.weeks.contains(target.monday.index) }.count
                retained.append(Double(active) / Double(members.count))
            }
            cohorts.append(CohortRow(week: week, size: members.count, retained: retained))
        }
        return (byTeam, cohorts)
    }

    /// People counted only by group rows of a tool in a week: the largest daily count.
    func toolGroupWeekPeople(_ tool: Int32, _ week: Week) -> Int {
        var most = 0
        for offset in 0..<7 { most = max(most, aggregate.toolGroupActive[UsageAggregate.key(tool, (week.monday + offset).index)] ?? 0) }
        return most
    }

    /// Tools per capability, tools below the privacy floor, overlap of teams' tool sets, and
    /// people using several tools of one capability.
    func sprawlFigures(tools: [ToolFigures], retention: [String: [RetentionFigures]]) -> SprawlFigures {
        var capabilities: [String: [String]] = [:]
        for tool in tools { capabilities[tool.capability, default: []].append(tool.tool) }
        let below = tools.filter { $0.activeUsers > 0 && $0.activeUsers < floor }
        // Each team's tools: the disclosure stage lists the pairs of published teams most alike.
        let teamTools = retention.mapValues { Set($0.map(\.tool)).sorted() }
        // People × tools.
        let capabilityOf = Dictionary(tools.map { ($0.tool, $0.capability) }, uniquingKeysWith: { a, _ in a })
        // Each person's tools: the traces' (person, tool) pairs in order, a person's in a run.
        // (A set of tools per person in a dictionary was a hash a trace, 1 % of a build of
        // rows in random order.) A tool's capability is looked up once.
        let capabilityNames = aggregate.tools.names.map { capabilityOf[$0] ?? "unclassified" }
        let capabilityIDs = Dictionary(uniqueKeysWithValues: Set(capabilityNames).sorted().enumerated().map { ($1, $0) })
        let capabilityOfTool = capabilityNames.map { capabilityIDs[$0]! }
        let pairs = aggregate.adoption.keys.map { PairKey($0.user, $0.tool) }.sorted()
        var overlapping = 0, people = 0
        var counts: [Double] = []
        var start = 0
        var capabilitiesOfPerson: [Int] = []
        while start < pairs.count {
            let person = pairs[start].parts.0
            var end = start
            capabilitiesOfPerson.removeAll(keepingCapacity: true)
            while end < pairs.count, pairs[end].parts.0 == person {
                if end == start || pairs[end] != pairs[end - 1] {  // a tool of several teams once
                    capabilitiesOfPerson.append(capabilityOfTool[Int(pairs[end].parts.1)])
                }
                end += 1
            }
            people += 1
            counts.append(Double(capabilitiesOfPerson.count))
            capabilitiesOfPerson.sort()
            if zip(capabilitiesOfPerson, capabilitiesOfPerson.dropFirst()).contains(where: { $0 == $1 }) { overlapping += 1 }
            start = end
        }
        return SprawlFigures(
            capabilities: capabilities.keys.sorted().map { CapabilityTools(capability: $0, tools: capabilities[$0]!.sorted()) },
            toolsBelowFloor: below.count, toolsBelowFloorNames: below.map(\.tool).sorted(),
            teamTools: teamTools, medianToolsPerPerson: median(counts), peopleWithOverlappingTools: overlapping,
            peopleUsingTools: people)
    }
}
