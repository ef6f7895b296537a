"""The framework's reason words cover the everyday ways practitioners name each deficit.

Each criterion has sentences of our own (never taken from the labelled sets) that name a
deficit in words a case manager, team manager or inspector might use rather than the
question's own terms ("gone stale", "at the eleventh hour", "never rung or sent a copy"),
with the exact set of reasons expected; and each section has praise written with the same
vocabulary that must stay sufficient, so the wider lists do not turn good work into a
deficit.
"""

from __future__ import annotations

import pytest

from assistant.engine.interpret import interpret
from prompts import get_framework

FW = get_framework("sqs-youth-2014")
CRITERIA = {c.id: c for c in FW.criteria}

# (criterion, answer, the exact reasons expected); every answer reads as insufficient.
DEFICITS: list[tuple[str, str, set[str]]] = [
    # ---- Reducing reoffending
    (
        "rr.assessment",
        "It reads as a list of previous convictions with no formulation of the offending.",
        {"drivers_missed"},
    ),
    (
        "rr.assessment",
        "Entirely deficit focused, nothing on his boxing coach or his ambitions.",
        {"positive_factors_missed"},
    ),
    (
        "rr.assessment",
        "Too descriptive, and it never says why she keeps offending.",
        {"drivers_missed"},
    ),
    (
        "rr.assessment_review",
        "It is still the original assessment from sentence and has gone stale.",
        {"not_done"},
    ),
    ("rr.assessment_review", "The review date was missed by months.", {"not_timely"}),
    ("rr.assessment_review", "Not reviewed after the initial assessment at all.", {"not_done"}),
    (
        "rr.psr",
        "Rambling and repetitive, and the proposal at the end was unclear.",
        {"other_quality"},
    ),
    (
        "rr.psr",
        "Factual errors throughout and nothing on her trauma.",
        {"other_quality", "vulnerability_not_assessed"},
    ),
    (
        "rr.psr_alternatives",
        "A DTO was proposed and a YRO with ISS was not explored at all.",
        {"not_considered"},
    ),
    (
        "rr.psr_alternatives",
        "The report went for custody and offered no other options.",
        {"not_considered"},
    ),
    (
        "rr.plan",
        "None of the targets has an end date, so there is nothing to measure.",
        {"goals_not_measurable"},
    ),
    (
        "rr.plan",
        "The actions just restate the order's requirements and are not tailored to her at all.",
        {"generic_actions"},
    ),
    (
        "rr.plan",
        "The plan has no link to the assessment and nothing on the knife.",
        {"factors_not_in_plan"},
    ),
    ("rr.plan_review", "The plan review was long overdue.", {"not_timely"}),
    (
        "rr.plan_review",
        "Never once reviewed; it has sat untouched on the file.",
        {"not_done"},
    ),
    ("rr.plan_review", "The review took no account of the new offence.", {"not_revised"}),
    (
        "rr.custody_plan",
        "The plan is muddled, you cannot tell which bits happen in the YOI.",
        {"delivery_unclear"},
    ),
    (
        "rr.custody_plan",
        "There was no initial sentence plan and nothing from the YOI.",
        {"no_custodial_plan"},
    ),
    # ---- Protecting the public
    ("pp.assessment", "The RoSH just gives a level with no rationale.", {"analysis_weak"}),
    (
        "pp.assessment",
        "Done late, well past the deadline, and relying only on his own account.",
        {"not_timely", "analysis_weak"},
    ),
    ("pp.psr", "It just said high and did not say who was at risk.", {"account_unclear"}),
    (
        "pp.psr",
        "The risk of harm was downplayed and out of step with the assessment.",
        {"account_unclear"},
    ),
    (
        "pp.assessment_review",
        "The RoSH waited for the scheduled review after he was caught with a knife.",
        {"not_after_change"},
    ),
    (
        "pp.assessment_review",
        "The RoSH is outdated; it was never once reviewed.",
        {"not_done"},
    ),
    (
        "pp.plan",
        "The contingency only says ring the police, nothing for the triggers.",
        {"contingency_weak"},
    ),
    ("pp.plan", "No risk plan at all, nothing to manage the risk.", {"not_done"}),
    (
        "pp.mappa",
        "MAPPA eligibility was never checked and nobody thought about MAPPA.",
        {"no_referral"},
    ),
    (
        "pp.mappa",
        "The referral went in days before release, at the eleventh hour.",
        {"referral_late"},
    ),
    (
        "pp.victims",
        "The plan only covers his education and nobody thought about her safety.",
        {"plan_inadequate", "victim_not_considered"},
    ),
    (
        "pp.victims",
        "The victim liaison officer was never contacted and the victim was overlooked.",
        {"victim_not_considered"},
    ),
    (
        "pp.oversight",
        "The manager just countersigned it without comment and the gaps were never raised.",
        {"deficits_not_identified"},
    ),
    (
        "pp.oversight",
        "The actions set in supervision were never carried out and nobody followed up.",
        {"no_follow_up"},
    ),
    (
        "pp.oversight",
        "The countersign is still awaiting sign off two months on.",
        {"countersign_late"},
    ),
    (
        "pp.custody",
        "Release planning was rushed, with no back up if the hostel fell through.",
        {"planning_weak", "contingency_weak"},
    ),
    ("pp.custody", "MAPPA eligibility was never discussed in custody.", {"mappa_not_addressed"}),
    # ---- Protecting the child or young person
    (
        "cy.assessment",
        "The assessment did not check who was caring for him while mum was in hospital.",
        {"care_arrangements"},
    ),
    (
        "cy.assessment",
        "Nothing on whether she is in school or on a reduced timetable.",
        {"education"},
    ),
    (
        "cy.assessment",
        "It did not look at his mental or physical health.",
        {"emotional_mental_health", "physical_health"},
    ),
    (
        "cy.psr",
        "Her vulnerability was barely mentioned, and only her account was used.",
        {"vulnerability_not_assessed"},
    ),
    (
        "cy.psr",
        "The report was silent on the exploitation and what it means for the sentence.",
        {"vulnerability_not_assessed"},
    ),
    (
        "cy.assessment_review",
        "The assessment was not reviewed until the scheduled review, even though she had been "
        "stabbed.",
        {"not_after_change"},
    ),
    ("cy.assessment_review", "Never reviewed after the initial one.", {"not_done"}),
    (
        "cy.plan",
        "No referral to the exploitation team and nothing on the drugs worker.",
        {"interventions_missing"},
    ),
    (
        "cy.plan",
        "The VMP only covers some of the vulnerabilities; the online grooming is not covered.",
        {"responses_insufficient"},
    ),
    ("cy.plan_review", "The plan took no account of her hospital admission.", {"not_revised"}),
    ("cy.plan_review", "The plan is months overdue for review.", {"not_timely"}),
    (
        "cy.oversight",
        "The manager just signed it and never raised the missing safety plan.",
        {"deficits_not_identified"},
    ),
    (
        "cy.oversight",
        "The manager asked for a strategy meeting but it never happened and nobody followed up.",
        {"no_follow_up"},
    ),
    (
        "cy.custody",
        "Safety planning in custody was just a copy of the community plan.",
        {"planning_insufficient"},
    ),
    (
        "cy.custody",
        "After he was attacked on the wing nobody reviewed the safety plan.",
        {"not_reviewed_after_incident"},
    ),
    # ---- Ensuring the sentence is served
    (
        "ss.diversity",
        "Nobody checked he understood; his speech therapist's report was not used.",
        {"slcn_missed"},
    ),
    (
        "ss.diversity",
        "The EHCP says he is a practical learner and that was not picked up.",
        {"learning_style_missed"},
    ),
    (
        "ss.psr_diversity",
        "The report did not consider his caring responsibilities or how he would get there on "
        "the bus.",
        {"not_identified"},
    ),
    ("ss.psr_diversity", "His dyslexia was left out of the report.", {"not_identified"}),
    (
        "ss.engagement",
        "The plan was done at a desk, the lad never saw it.",
        {"child_not_engaged"},
    ),
    (
        "ss.engagement",
        "His stepdad, who has parental responsibility, was never rung or sent a copy.",
        {"carers_not_engaged"},
    ),
    ("ss.health", "Asthma and eczema were never followed up.", {"not_addressed"}),
    ("ss.health", "His vaping and skunk use were ignored.", {"not_addressed"}),
    (
        "ss.compliance",
        "A final warning was sent without anyone asking why he missed.",
        {"response_inappropriate"},
    ),
    (
        "ss.compliance",
        "The response was slow, the warning only came days after.",
        {"not_timely"},
    ),
    ("ss.compliance", "Nobody rang him and there was no home visit.", {"no_response"}),
    # ---- Second round: an area named after 'no assessment of', a review never done versus a
    # change missed ('untouched since' / 'since he moved'), events followed by 'nobody updated',
    # plans that 'stayed as it was', referrals never sent, responses blind to circumstances
    (
        "cy.assessment",
        "There was no assessment of her mental health or her physical health.",
        {"emotional_mental_health", "physical_health"},
    ),
    (
        "cy.assessment",
        "Her emotional wellbeing wasn't assessed, despite the CAMHS history.",
        {"emotional_mental_health"},
    ),
    (
        "cy.assessment",
        "Nothing on the alternative provision placement, and his health was never assessed.",
        {"education", "physical_health"},
    ),
    ("cy.assessment", "No assessment was done at all.", {"not_done"}),
    ("rr.assessment_review", "Done at the start of the order and untouched since.", {"not_done"}),
    (
        "rr.assessment_review",
        "Nobody has reviewed it since he was excluded in the spring.",
        {"not_after_change"},
    ),
    (
        "pp.assessment_review",
        "When he was charged with the robbery the ROSH was not updated.",
        {"not_after_change"},
    ),
    ("pp.assessment_review", "The risk assessment has never been reviewed since.", {"not_done"}),
    (
        "cy.assessment_review",
        "Reviewed late, and there was no review when she went into hospital.",
        {"not_after_change", "not_timely"},
    ),
    (
        "cy.assessment_review",
        "After the overdose the vulnerability assessment was never looked at.",
        {"not_after_change"},
    ),
    (
        "rr.plan_review",
        "After he was evicted the plan stayed as it was for months.",
        {"not_revised"},
    ),
    ("rr.plan_review", "The intervention plan wasn't reviewed after it was written.", {"not_done"}),
    ("cy.plan_review", "Once she was remanded the safety plan was not updated.", {"not_revised"}),
    ("cy.plan_review", "Nobody looked at the VMP again after it was completed.", {"not_done"}),
    (
        "pp.mappa",
        "Eligible as a category 2 offender but the referral was never sent.",
        {"no_referral"},
    ),
    (
        "pp.mappa",
        "The referral wasn't made until a fortnight before his release.",
        {"referral_late"},
    ),
    (
        "ss.compliance",
        "She was breached while she was struggling with her dad's death.",
        {"response_inappropriate"},
    ),
    (
        "ss.compliance",
        "He can barely read, so the warning letter was pointless.",
        {"response_inappropriate"},
    ),
    (
        "ss.compliance",
        "It was an automatic breach with nobody asking what was going on at home.",
        {"response_inappropriate"},
    ),
    # ---- Third round: the formal register ("not reviewed within the required timescale",
    # "oversight did not identify", "no consideration was given to") and a new mix of voices
    (
        "rr.assessment",
        "It retells the offence from the police papers and never gets to why he did it.",
        {"drivers_missed"},
    ),
    (
        "rr.assessment",
        "The assessment failed to consider whether she had been criminally exploited.",
        {"vulnerability_missed"},
    ),
    ("rr.assessment_review", "Not reviewed within the required timescale.", {"not_timely"}),
    (
        "rr.assessment_review",
        "The assessment failed to take account of the change in her living arrangements.",
        {"not_after_change"},
    ),
    (
        "rr.psr",
        "The report is silent on her being a looked after child with a CSE strategy meeting open.",
        {"vulnerability_not_assessed"},
    ),
    (
        "rr.psr_alternatives",
        "A YRO with ISS got one mention and was never worked up for the bench.",
        {"not_considered"},
    ),
    (
        "rr.plan",
        "His cannabis use and the conflict at home don't feature anywhere in it.",
        {"factors_not_in_plan"},
    ),
    (
        "rr.plan",
        "None of the actions describes the work that has to be done with him.",
        {"generic_actions"},
    ),
    ("rr.plan_review", "The plan was not reviewed in a timely manner.", {"not_timely"}),
    (
        "rr.custody_plan",
        "The plan does not distinguish between what happens in the YOI and what happens on "
        "licence.",
        {"delivery_unclear"},
    ),
    (
        "rr.custody_plan",
        "No sentence plan was agreed, and nobody knew what would be delivered once he came out.",
        {"delivery_unclear", "no_custodial_plan"},
    ),
    ("pp.assessment", "The ROSH was not completed within the required timescale.", {"not_timely"}),
    (
        "pp.psr",
        "Risk to others got one sentence, so the magistrates were none the wiser.",
        {"account_unclear"},
    ),
    ("pp.assessment_review", "Not reviewed in a timely manner.", {"not_timely"}),
    (
        "pp.plan",
        "The RMP only lists the controls already in place and says nothing about what happens "
        "if the risk escalates.",
        {"contingency_weak"},
    ),
    ("pp.mappa", "The referral was not made in a timely manner.", {"referral_late"}),
    ("pp.mappa", "No consideration was given to referring him to MAPPA.", {"no_referral"}),
    (
        "pp.victims",
        "The plan just says no contact, with nothing on how that is checked or enforced.",
        {"plan_inadequate"},
    ),
    (
        "pp.oversight",
        "The manager did not identify the weak analysis of who was at risk.",
        {"deficits_not_identified"},
    ),
    (
        "pp.oversight",
        "Management oversight was not evident on the file.",
        {"deficits_not_identified"},
    ),
    (
        "pp.custody",
        "Release planning was fine but nobody looked at whether he met the MAPPA criteria.",
        {"mappa_not_addressed"},
    ),
    (
        "pp.custody",
        "Nothing about what would happen if the release address broke down.",
        {"contingency_weak"},
    ),
    (
        "cy.assessment",
        "The self-harm she disclosed was never explored.",
        {"emotional_mental_health"},
    ),
    (
        "cy.assessment_review",
        "The review was not completed within the required timescale.",
        {"not_timely"},
    ),
    ("cy.plan", "If she goes missing the VMP just says follow procedure.", {"contingency_weak"}),
    (
        "cy.plan",
        "The NRM referral and specialist exploitation work are absent from the plan.",
        {"interventions_missing"},
    ),
    ("cy.plan_review", "Not reviewed within the required timescale.", {"not_timely"}),
    ("cy.oversight", "The manager gave one instruction and it went nowhere.", {"no_follow_up"}),
    (
        "cy.oversight",
        "Oversight failed to identify that her mental health had not been assessed.",
        {"deficits_not_identified"},
    ),
    (
        "cy.custody",
        "She was bullied on the unit and the safety plan was not looked at again.",
        {"not_reviewed_after_incident"},
    ),
    (
        "ss.diversity",
        "Insufficient attention was paid to his speech and language needs.",
        {"slcn_missed"},
    ),
    (
        "ss.diversity",
        "He has an EHCP for dyslexia but the plan did not reflect it.",
        {"no_actions_in_plan"},
    ),
    ("ss.engagement", "No attempt was made to involve the carers.", {"carers_not_engaged"}),
    ("ss.compliance", "Missed sessions in May were not followed up until July.", {"not_timely"}),
    ("ss.compliance", "The breach was not actioned in a timely manner.", {"not_timely"}),
    (
        "rr.psr_alternatives",
        "The report went for a DTO and community options only got a line in passing.",
        {"not_considered"},
    ),
    # fourth round: a change that did not prompt a review
    (
        "cy.assessment_review",
        "Her disclosure to the school nurse didn't prompt a review at all.",
        {"not_after_change"},
    ),
    (
        "rr.plan_review",
        "Moving into supported housing did not lead to a review of the plan.",
        {"not_revised"},
    ),
    (
        "pp.oversight",
        "The manager asked for a MAPPA check in supervision and it was never revisited.",
        {"no_follow_up"},
    ),
    (
        "cy.oversight",
        "Supervision set an action on the CAMHS referral; nobody went back to it.",
        {"no_follow_up"},
    ),
    (
        "rr.psr",
        "Whole sections were pasted from her brother's report; it was not fit for court.",
        {"other_quality"},
    ),
    # fifth round: several deficits in one answer, each in its own everyday words
    (
        "rr.assessment",
        "It never gets underneath the offending, and it is silent on the dealer using him to "
        "hold cannabis.",
        {"drivers_missed", "vulnerability_missed"},
    ),
    (
        "rr.assessment",
        "Only scratches the surface: nothing on peer pressure from the group he hangs about with.",
        {"drivers_missed"},
    ),
    (
        "rr.plan",
        "Some of the assessed factors are missing and none of the goals has a date.",
        {"factors_not_in_plan", "goals_not_measurable"},
    ),
    (
        "rr.plan_review",
        "Reviewed on time, but no revision to go with the change of address.",
        {"not_revised"},
    ),
    (
        "rr.plan_review",
        "The relocation to her aunt's is nowhere in it.",
        {"not_revised"},
    ),
    (
        "pp.mappa",
        "He met the criteria, yet the case never went near MAPPA: not sent to MAPPA at all.",
        {"no_referral"},
    ),
    ("pp.mappa", "It ought to have gone to MAPPA and it hasn't gone to MAPPA.", {"no_referral"}),
    (
        "cy.plan",
        "It mentions the self-harm, but does not say who will do what.",
        {"responses_insufficient"},
    ),
    (
        "pp.oversight",
        "The manager signed it off although the two risk ratings don't tally.",
        {"risk_levels_inconsistent"},
    ),
    (
        "pp.oversight",
        "Countersigned in time, but the two ratings were never reconciled.",
        {"risk_levels_inconsistent"},
    ),
    (
        "cy.assessment",
        "Her health, body and mind, is not covered at all.",
        {"emotional_mental_health", "physical_health"},
    ),
    (
        "cy.custody",
        "After the fight on the wing the safety plan was left as it was.",
        {"not_reviewed_after_incident"},
    ),
    # vocab5: reasons named as practitioners say them (the court left with no idea, planning
    # thin, 'monitor' or 'keep an eye on' as the only response, SALT or CAMHS work left out,
    # instructions never raised again).
    (
        "pp.psr",
        "Magistrates reading it would have had no real idea how dangerous he is.",
        {"account_unclear"},
    ),
    (
        "pp.psr",
        "It names the level and leaves it there, never says to whom.",
        {"account_unclear"},
    ),
    (
        "cy.custody",
        "Hardly any planning before he went in and the info was never handed over.",
        {"planning_insufficient"},
    ),
    (
        "cy.custody",
        "The custody planning was thin and nobody rang the unit.",
        {"planning_insufficient"},
    ),
    (
        "cy.plan",
        "Against the exploitation it only says the CM will keep an eye on things.",
        {"responses_insufficient"},
    ),
    (
        "cy.plan",
        "Every concern just has 'monitor' written next to it, and no contingency.",
        {"contingency_weak", "responses_insufficient"},
    ),
    (
        "cy.plan",
        "Nothing about the speech and language therapy he was assessed as needing.",
        {"interventions_missing"},
    ),
    (
        "cy.plan",
        "No mention of the SALT or the CAMHS work agreed at the meeting.",
        {"interventions_missing"},
    ),
    (
        "pp.oversight",
        "The manager flagged the gaps once in supervision and they were never raised again.",
        {"no_follow_up"},
    ),
    (
        "cy.oversight",
        "Actions set in March and then not mentioned again by anyone.",
        {"no_follow_up"},
    ),
    # vocab5: box ticking or lifted from the last order, no why, risk barely mentioned, rated low
    # despite, a parent jailed or a death, generic actions quoted.
    (
        "cy.assessment",
        "A box ticking exercise, lifted from the previous order.",
        {"poor_quality"},
    ),
    (
        "cy.assessment",
        "Nothing current in it, it is the same as last time.",
        {"poor_quality"},
    ),
    (
        "rr.psr",
        "The report says nothing about him being exploited by the dealers.",
        {"vulnerability_not_assessed"},
    ),
    (
        "pp.assessment",
        "Rated her low despite two robberies, with no explanation.",
        {"analysis_weak"},
    ),
    (
        "pp.custody",
        "Risk was barely mentioned at any of the sentence planning meetings.",
        {"planning_weak"},
    ),
    (
        "rr.assessment",
        "Lots of detail on what happened and no why.",
        {"drivers_missed"},
    ),
    (
        "rr.assessment_review",
        "The review never mentions that his brother was jailed in the spring.",
        {"not_after_change"},
    ),
    (
        "cy.assessment_review",
        "Nothing in the review about her grandad's death in the summer.",
        {"not_after_change"},
    ),
    (
        "rr.plan",
        "All it asks of him is to 'reflect on choices' and 'engage with sessions', too generic.",
        {"generic_actions"},
    ),
    # vocab5: never looked at since it was written, the same assessment from day one, not done
    # until, a history or risk of self harm or bullying in custody, 'nothing good' said of the child
    # and not a verdict ('not good enough' names no reason).
    (
        "rr.plan_review",
        "Nobody has looked at it since it was written at the start of the order.",
        {"not_done"},
    ),
    (
        "cy.plan_review",
        "The safety plan has not been touched since it was written in the spring.",
        {"not_done"},
    ),
    (
        "pp.assessment_review",
        "Still the same assessment he had when the order began.",
        {"not_done"},
    ),
    (
        "rr.assessment_review",
        "No. Same assessment from day one, a year ago.",
        {"not_done"},
    ),
    (
        "pp.assessment",
        "The analysis is fine but it was not completed until two months into the order.",
        {"not_timely"},
    ),
    (
        "cy.custody",
        "The YOI was never told about her history of self harm.",
        {"planning_insufficient"},
    ),
    (
        "cy.custody",
        "Nothing in the custody planning about the risk of bullying from other boys.",
        {"planning_insufficient"},
    ),
    (
        "rr.assessment",
        "Nothing good about her anywhere in it, just her offending.",
        {"positive_factors_missed"},
    ),
    (
        "rr.assessment",
        "Not good enough, to be honest.",
        set(),
    ),
    # vocab6: a referral weeks before release, quoted stock actions, a move into supported
    # housing, risk given without explanation, 'CM to monitor', straight to breach, nobody gave the
    # victim a thought; "countersigned" alone is no late countersignature; a dated event a few
    # words into its sentence, then the work not revisited or looked at again.
    ("pp.mappa", "The referral only went in two weeks before release.", {"referral_late"}),
    (
        "rr.plan",
        "Actions like 'reflect on choices' and 'think about consequences' tell you nothing.",
        {"generic_actions"},
    ),
    (
        "rr.plan",
        "The actions were copied and pasted, they could have been written for any child.",
        {"generic_actions"},
    ),
    (
        "rr.assessment_review",
        "He moved into supported housing in May and the assessment was never touched.",
        {"not_after_change"},
    ),
    ("pp.psr", "The risk level was given without any explanation.", {"account_unclear"}),
    (
        "cy.plan",
        "The plan just says 'CM to monitor' and there is no contingency.",
        {"contingency_weak", "responses_insufficient"},
    ),
    (
        "ss.compliance",
        "The response was slow, and going straight to breach was wrong.",
        {"not_timely", "response_inappropriate"},
    ),
    ("pp.victims", "Nobody had given her a thought.", {"victim_not_considered"}),
    (
        "pp.oversight",
        "The manager countersigned it without spotting the missing contingency.",
        {"deficits_not_identified"},
    ),
    (
        "cy.assessment_review",
        "She took an overdose in May and the assessment wasn't revisited.",
        {"not_after_change"},
    ),
    (
        "pp.assessment_review",
        "He was charged with robbery in July and the ROSH was not looked at again.",
        {"not_after_change"},
    ),
    # vocab6: the event referred back to ("not touched after that", "no review afterwards",
    # "not updated till the next review").
    (
        "cy.assessment_review",
        "She was assaulted in March. The assessment was not touched after that.",
        {"not_after_change"},
    ),
    (
        "cy.assessment_review",
        "There was a serious assault, and no review afterwards.",
        {"not_after_change"},
    ),
    (
        "rr.assessment_review",
        "Reviewed on schedule. But after he was excluded in May, nothing. Not updated till the "
        "next review.",
        {"not_after_change"},
    ),
    # vocab6: gaps that went unremarked, nothing until the breach, nothing in place for if it
    # went wrong, no sessions planned.
    (
        "pp.oversight",
        "The gaps in the analysis went unremarked by the manager.",
        {"deficits_not_identified"},
    ),
    (
        "ss.compliance",
        "Nobody did anything until he was breached two months later.",
        {"not_timely"},
    ),
    (
        "pp.custody",
        "Nothing in place for if things went wrong on release.",
        {"contingency_weak"},
    ),
    ("cy.plan", "No referral to CAMHS and no sessions planned.", {"interventions_missing"}),
    # vocab6: no way of monitoring a victim's safety, analysis of two sentences, a contingency
    # that only says to call the police, a major change not picked up.
    (
        "pp.victims",
        "The plan says he must keep away from her but there is no way of monitoring it.",
        {"plan_inadequate"},
    ),
    ("rr.psr", "The offence analysis was two sentences long.", {"other_quality"}),
    (
        "pp.plan",
        "The contingency section says 'call the police if he goes missing'.",
        {"contingency_weak"},
    ),
    (
        "rr.assessment_review",
        "Her dad died in May, a major change, and it isn't picked up in the assessment at all.",
        {"not_after_change"},
    ),
    # vocab6: nothing about what the sessions are or what will actually be done (stock actions).
    (
        "rr.plan",
        "The goals have dates, but nothing about what will actually be done with her.",
        {"generic_actions"},
    ),
    (
        "rr.plan",
        "Nothing about what sessions he would actually do, and the targets can't be measured.",
        {"generic_actions", "goals_not_measurable"},
    ),
    # ---- vocab7: moves and admissions as the change a review missed; safety planning and
    # contact arrangements as what a victim plan lacks; a risk account you "can't tell" from;
    # nothing done for weeks; months to countersign
    (
        "pp.assessment_review",
        "She moved into a flat in May and the assessment was never updated.",
        {"not_after_change"},
    ),
    (
        "cy.assessment_review",
        "He has been in and out of hospital since March and nobody revisited it.",
        {"not_after_change"},
    ),
    (
        "pp.victims",
        "The plan says nothing about the ex-partner: no safety planning, no contact arrangements.",
        {"plan_inadequate"},
    ),
    (
        "pp.psr",
        "Honestly I couldn't tell from it how risky the author thought he was.",
        {"account_unclear"},
    ),
    ("pp.psr", "It gives a level of risk and then moved on.", {"account_unclear"}),
    ("ss.compliance", "Missed four sessions before anyone did anything about it.", {"not_timely"}),
    ("ss.compliance", "The CM did nothing for a month after the first miss.", {"not_timely"}),
    (
        "ss.compliance",
        "Nothing happened for weeks, and all she got was a text, nothing more.",
        {"not_timely", "response_inappropriate"},
    ),
    ("cy.oversight", "It took the manager months to countersign the plan.", {"countersign_late"}),
    (
        "rr.assessment",
        "Good on drivers, but the exploitation by the dealer is not linked to the offending.",
        {"vulnerability_missed"},
    ),
    # a review that changed nothing but the date
    (
        "cy.plan_review",
        "Reviewed each quarter, but every review was just a date change.",
        {"not_revised"},
    ),
    (
        "rr.plan_review",
        "Reviewed on time, yet when he was excluded nothing in the plan changed.",
        {"not_revised"},
    ),
    # a plan made with neither the child nor the family: both reasons
    (
        "ss.engagement",
        "Neither of them was involved; the whole thing came from the file.",
        {"child_not_engaged", "carers_not_engaged"},
    ),
    (
        "ss.engagement",
        "Written in the office and sent out in the post, nobody asked.",
        {"child_not_engaged", "carers_not_engaged"},
    ),
]

# Praise in the same vocabulary: each must stay sufficient.
PRAISE: list[tuple[str, str]] = [
    (
        "rr.assessment",
        "Really balanced: clear about what drives the offending and builds on his football and "
        "his ambitions.",
    ),
    (
        "rr.psr",
        "The report was concise and balanced with a clear proposal and a good section on his "
        "exploitation.",
    ),
    (
        "rr.plan",
        "Each factor from the assessment has a specific, measurable goal with dates and a named "
        "worker.",
    ),
    (
        "pp.assessment",
        "Completed within the timescale, drawing on police intelligence, and clear about who "
        "could be harmed and when.",
    ),
    (
        "pp.mappa",
        "Referred six months before release at level 2 and the case manager went to every meeting.",
    ),
    (
        "pp.oversight",
        "Countersigned promptly, the manager challenged the risk level and checked the actions "
        "were done.",
    ),
    (
        "pp.victims",
        "Exclusion zone on the order, victim liaison officer kept informed, and the measures "
        "checked at each review.",
    ),
    (
        "cy.assessment",
        "Thorough: covers her self-harm, GP registration, school roll and who looks after her, "
        "checked with social care.",
    ),
    (
        "cy.plan",
        "The VMP has a referral to the exploitation team, a clear plan if she goes missing and "
        "steps if she self-harms.",
    ),
    (
        "cy.custody",
        "Vulnerability information was shared with the YOI on the first night and the safety "
        "plan was reviewed after the assault.",
    ),
    (
        "ss.diversity",
        "Sessions were adapted to his learning style with visual aids, following his speech "
        "therapist's advice.",
    ),
    (
        "ss.compliance",
        "The CM rang the same day and did a home visit, and asked why he had missed before any "
        "warning.",
    ),
    (
        "ss.engagement",
        "Mum and his stepdad were invited to every review and sent copies; the lad did his own "
        "self-assessment.",
    ),
    (
        "ss.health",
        "GP registration sorted, the YOT nurse saw him about his asthma and his vaping, and "
        "CAMHS followed up.",
    ),
    # ---- Second round: praise in the words the second round added
    (
        "cy.assessment",
        "Good assessment of his emotional health and schooling, and checked with his social "
        "worker who he lives with.",
    ),
    (
        "rr.assessment_review",
        "Reviewed every three months and again straight after he was arrested.",
    ),
    (
        "pp.assessment_review",
        "The ROSH was updated within a week of the knife incident and reviewed when due.",
    ),
    ("cy.plan_review", "Reviewed on time and revised after the eviction."),
    ("pp.mappa", "Referral made the day he was sentenced and he was managed at level 2."),
    (
        "ss.compliance",
        "The warning letter went the same day and the CM followed it up with a home visit to "
        "find out why.",
    ),
    (
        "rr.plan_review",
        "The plan was revised after he was remanded and again on release, all on time.",
    ),
    # ---- Third round: praise in the words the third round added
    (
        "rr.assessment",
        "It gets to why he offended and weighs his strengths against the exploitation clearly.",
    ),
    ("rr.custody_plan", "Clear about what would be delivered in the YOI and what on licence."),
    ("pp.plan", "Clear contingencies if the risk escalates beyond the current controls."),
    (
        "pp.victims",
        "The no contact condition is clear and the plan sets out how it is checked and enforced.",
    ),
    (
        "pp.custody",
        "MAPPA eligibility was considered in good time and he met the criteria for level 2.",
    ),
    (
        "cy.plan",
        "The VMP has a referral for specialist exploitation work and a clear NRM referral.",
    ),
    (
        "cy.oversight",
        "The manager's instructions were acted on and checked at the next supervision.",
    ),
    ("ss.compliance", "Every missed appointment was followed up in a timely manner."),
    ("rr.plan_review", "Reviewed within the required timescale and revised after the move."),
    # fourth round: the change that prompted a review
    ("pp.assessment_review", "The arrest prompted a review within the week."),
    ("rr.psr", "Nothing pasted from earlier reports; it was written fresh for her and is clear."),
    # fifth round: praise in the words the fifth round added
    (
        "rr.assessment",
        "It gets beneath the offending well and explains how older dealers were using him to "
        "carry drugs.",
    ),
    (
        "rr.plan",
        "Every one of the assessed factors has a matching action with a clear end date.",
    ),
    ("rr.plan_review", "Revised promptly when the family moved house, and reviewed on time."),
    ("pp.mappa", "Sent to MAPPA promptly, the week he was sentenced, and managed at level 2."),
    ("cy.plan", "Clear about who will do what on the exploitation, with an NRM referral made."),
    (
        "cy.custody",
        "The plan was reviewed after the fight on the wing and the risk level stayed the same.",
    ),
    ("cy.assessment", "Covers her health, body and mind, in good detail with the GP's view."),
    # vocab5: the same words in praise.
    (
        "cy.plan",
        "Good plan: CAMHS work and SALT sessions are built in, and the CM will monitor weekly "
        "with a clear contingency.",
    ),
    (
        "cy.custody",
        "Thorough handover to the secure unit, planning was careful and shared in good time.",
    ),
    (
        "pp.psr",
        "Clear account of the risk, to whom and how serious, the court had a good idea of it.",
    ),
    (
        "pp.oversight",
        "The manager raised the gaps and followed them up at the next supervision, all done.",
    ),
    # vocab5: box ticking or lifted from the last order, no why, risk barely mentioned, rated low
    # despite, a parent jailed or a death, generic actions quoted.
    (
        "rr.assessment",
        "It gets to the why: the debt, the older lads, and the boredom after exclusion, all well "
        "evidenced.",
    ),
    (
        "rr.assessment_review",
        "Reviewed within a week of his dad being sent to prison, good.",
    ),
    (
        "cy.assessment",
        "Current and detailed, all of it written fresh for this order.",
    ),
    # vocab5: never looked at since it was written, the same assessment from day one, not done
    # until, a history or risk of self harm or bullying in custody, 'nothing good' said of the child
    # and not a verdict ('not good enough' names no reason).
    (
        "cy.custody",
        "Good planning: the YOI had her history of self harm and a plan for the risk of bullying.",
    ),
    (
        "pp.assessment_review",
        "The same assessment was updated after each incident and reviewed on time.",
    ),
    # vocab6: the same words in praise.
    ("ss.compliance", "A prompt home visit rather than going straight to breach, well judged."),
    ("pp.mappa", "Referred months before release, in good time."),
    ("pp.psr", "The risk was explained clearly, who to and when, no woolly language."),
    ("pp.oversight", "The countersignature was within the week and the manager spotted the gaps."),
    ("cy.plan", "The CM will monitor her mood weekly and there is a clear contingency."),
    (
        "cy.assessment_review",
        "She took an overdose in May, and the assessment was reviewed on time in June as planned.",
    ),
    (
        "rr.assessment_review",
        "Reviewed in March and again in June, and updated after that whenever anything changed.",
    ),
    ("cy.assessment_review", "It was reviewed afterwards, promptly."),
    (
        "pp.custody",
        "Good contingency: a clear plan in place for if things went wrong on release.",
    ),
    ("cy.plan", "CAMHS sessions planned weekly, well thought through."),
    ("ss.compliance", "A home visit the same day, long before any talk of breach, good."),
    ("rr.psr", "A careful analysis of the offence in a few lines, clear and to the point."),
    ("pp.victims", "Monitoring through police and the school, nothing missed."),
    ("rr.plan", "The plan sets out what the sessions will be and when, with measurable targets."),
    (
        "rr.assessment_review",
        "A big change in his life was picked up straight away and the assessment updated.",
    ),
    # vocab7 counter-examples: the same words said of good work
    ("pp.victims", "Clear contact arrangements and good safety planning for his mum."),
    ("pp.psr", "A clear account of who is at risk and how; you can tell the author knew him."),
    ("ss.compliance", "Four missed sessions in a row before a home visit; quick and right."),
    ("ss.engagement", "Mum and the lad were both at the desk with me when we wrote it; lovely."),
    ("rr.plan_review", "Reviewed on time and properly rewritten after his exclusion; good."),
    ("rr.assessment", "His exploitation is well linked to the offending; strengths covered too."),
    (
        "cy.oversight",
        "The best part of the oversight was the challenge on the referral; signed within days.",
    ),
]


@pytest.mark.parametrize(("criterion", "text", "reasons"), DEFICITS)
def test_everyday_words_name_the_deficit(criterion: str, text: str, reasons: set[str]) -> None:
    reading = interpret(CRITERIA[criterion], text)
    assert (reading.outcome, set(reading.reasons)) == ("insufficient", reasons), text


@pytest.mark.parametrize(("criterion", "text"), PRAISE)
def test_praise_in_the_same_words_stays_sufficient(criterion: str, text: str) -> None:
    reading = interpret(CRITERIA[criterion], text)
    assert (reading.outcome, reading.reasons) == ("sufficient", ()), text


def test_every_criterion_has_two_sentences_and_every_section_praise() -> None:
    counts = {cid: 0 for cid in CRITERIA}
    for criterion, _, _ in DEFICITS:
        counts[criterion] += 1
    assert all(n >= 2 for n in counts.values()), {c: n for c, n in counts.items() if n < 2}
    sections = {CRITERIA[cid].section for cid, _ in PRAISE}
    assert sections == {s.id for s in FW.sections}


# Descriptions of the child in the same words stay unclear.
CHILD: list[tuple[str, str]] = [
    ("cy.plan", "He sees CAMHS fortnightly and has SALT at school."),
    ("pp.psr", "I have no idea, I'd need to check the report."),
    ("rr.assessment_review", "His dad went to prison last year and he lives with his mum."),
    ("rr.assessment_review", "Mum was sent to prison in March; he is with his aunt now."),
    ("cy.assessment_review", "Her nan's death hit her hard."),
    ("cy.custody", "She has a history of self harm and was bullied at school."),
    ("rr.assessment_review", "She lives in supported accommodation and sees her mum at weekends."),
    ("rr.assessment_review", "He moved to his dad's in Leeds last month and seems settled."),
    ("cy.assessment_review", "She has been in and out of hospital with her asthma."),
    ("ss.engagement", "He works at the desk in his room and mum helps with homework."),
    ("rr.plan_review", "He still has actions at school and sees his mum on Sundays."),
]


@pytest.mark.parametrize(("criterion", "text"), CHILD)
def test_the_child_described_in_the_same_words_stays_unclear(criterion: str, text: str) -> None:
    assert interpret(CRITERIA[criterion], text).outcome == "unclear", text


# Word families added on the rounds on batches 12-27 (reasons right in outcome, wrong in set):
# each deficit sentence with its exact reasons, and a counter-example in the same words that
# must not name the reason.
FAMILIES: list[tuple[str, str, set[str]]] = [
    # the plan's actions are only the order's conditions, or work "to be offered"
    ("rr.plan", "Poor, the actions are nothing but the order conditions.", {"generic_actions"}),
    (
        "rr.plan",
        "Weak. The victim work is just 'to be offered' and the rest 'as required'.",
        {"generic_actions"},
    ),
    # a vulnerability the plan ignores
    (
        "cy.plan",
        "It covers the missing episodes well but ignores the cannabis use.",
        {"responses_insufficient"},
    ),
    ("cy.plan", "The responses to her risks are tokenistic at best.", {"responses_insufficient"}),
    # a response to non-compliance that was the wrong call, or missed why
    (
        "ss.compliance",
        "Breaching her was the wrong call when she'd just lost her place at college.",
        {"response_inappropriate"},
    ),
    (
        "ss.compliance",
        "Poor, the warning letter went to a lad who didn't understand the letter at all.",
        {"response_inappropriate"},
    ),
    # nothing until later: late, not absent
    (
        "ss.compliance",
        "He missed two sessions and nothing happened until the following month.",
        {"not_timely"},
    ),
    (
        "ss.compliance",
        "No contact made until three weeks after he stopped coming.",
        {"not_timely"},
    ),
    ("cy.oversight", "Manager took seven weeks to countersign it.", {"countersign_late"}),
    # licence conditions off a template; custody safeguarding that is non-existent
    (
        "pp.custody",
        "Weak. Licence conditions lifted from the template, nothing on his risk to his ex.",
        {"planning_weak"},
    ),
    (
        "cy.custody",
        "Safeguarding planning for her time in the STC was basically non-existent.",
        {"planning_insufficient"},
    ),
    # a vulnerability section of one line
    (
        "rr.psr",
        "Vulnerability section is one line, and it says no concerns.",
        {"vulnerability_not_assessed"},
    ),
]

FAMILY_COUNTERS: list[tuple[str, str, str]] = [
    # (criterion, answer, outcome): praise in the same words, or nothing that late
    (
        "rr.plan",
        "The plan is clear on what the family sessions will cover, as required by the standards.",
        "sufficient",
    ),
    ("ss.compliance", "The home visit the same day was the right call.", "sufficient"),
    (
        "cy.oversight",
        "Countersigned within the week, with sharp comments on the gaps.",
        "sufficient",
    ),
    (
        "pp.custody",
        "Release planning was thorough and the licence conditions were written for his own risks.",
        "sufficient",
    ),
    (
        "cy.custody",
        "Safeguarding planning in the STC was detailed and shared before she arrived.",
        "sufficient",
    ),
    (
        "rr.psr",
        "Thorough report, the vulnerability section is detailed and balanced.",
        "sufficient",
    ),
]


@pytest.mark.parametrize(("criterion", "text", "reasons"), FAMILIES)
def test_word_families_name_their_reason(criterion: str, text: str, reasons: set[str]) -> None:
    reading = interpret(CRITERIA[criterion], text)
    assert (reading.outcome, set(reading.reasons)) == ("insufficient", reasons)


@pytest.mark.parametrize(("criterion", "text", "outcome"), FAMILY_COUNTERS)
def test_word_families_leave_praise_alone(criterion: str, text: str, outcome: str) -> None:
    reading = interpret(CRITERIA[criterion], text)
    assert (reading.outcome, reading.reasons) == (outcome, ())


def test_nothing_happened_until_is_late_not_absent() -> None:
    late = interpret(CRITERIA["ss.compliance"], "Nothing happened until a month later.")
    never = interpret(CRITERIA["ss.compliance"], "Nothing happened, no letter, no visit, nothing.")
    assert set(late.reasons) == {"not_timely"}
    assert set(never.reasons) == {"no_response"}
