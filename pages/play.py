""" "Be the agent": play a hidden 10-armed bandit, then meet agents on the very same one."""

import numpy as np
import streamlit as st

from core.game import BanditGame
from ui import course, play, routing, sections
from ui.charts import game as game_charts
from ui.controls import ControlPanel
from ui.drawing import draw

routing.ensure_router()
PAGE = "play"

st.title("Be the agent")
st.markdown(
    "Now you are the agent. Behind the buttons is a hidden 10-armed bandit: each arm pays a "
    "random reward around its own true value. You have a fixed number of pulls; collect as "
    "much reward as you can. When you are done, the true values are revealed and your total is "
    "compared with greedy, ε-greedy and UCB agents that faced **the same bandit and the same "
    "reward draws**."
)

panel = ControlPanel()
panel.header("Game")
seed = panel.number_input(
    "Game number",
    "game",
    min_value=0,
    max_value=999_999,
    value=0,
    step=1,
    help="Each number is a different hidden bandit; share the link to challenge a friend.",
)
pulls = panel.select_slider(
    "Pulls", "pulls", options=play.PULL_CHOICES, value=20, help="How many pulls you get."
)
panel.button(
    "New game", "new_game", on_click=play.new_game, args=("game",), icon=":material/casino:"
)
panel.button("Replay this game", "replay", on_click=play.replay, icon=":material/replay:")
panel.finish()

game = play.current_game(int(seed), int(pulls))
if game.pulls != int(pulls):
    play.confirm_discard(game, int(pulls), "pulls")
counts, averages = game.tally()

st.subheader("Pull an arm")
with st.container(horizontal=True, gap="small"):
    for arm in range(game.arms):
        st.button(
            f"Arm {arm + 1}",
            key=f"arm_{arm}",
            on_click=play.pull,
            args=(arm,),
            disabled=game.finished,
            help=(
                f"Pulled {int(counts[arm])}×, average {averages[arm]:.2f}"
                if counts[arm]
                else "Not tried yet"
            ),
        )
with st.container(horizontal=True, gap="small"):
    st.metric("Pulls left", game.pulls_left, border=True, width="stretch")
    st.metric("Your total reward", f"{game.total:.2f}", border=True, width="stretch")
    if game.actions:
        st.metric(
            f"Last pull: arm {game.actions[-1] + 1}",
            f"{game.rewards[-1]:+.2f}",
            border=True,
            width="stretch",
        )

if not game.finished:
    if game.actions:
        draw(game_charts.tally_chart(counts, averages))
    st.caption(
        "Tip: a reward is the arm's true value plus noise with standard deviation 1, so one pull "
        "says little. How many arms will you try before you settle?"
    )
else:
    q_true = game.reveal()
    rivals = game.rival_rewards()
    best_arm = int(np.argmax(q_true))
    st.header("The reveal")
    totals = {"You": game.total} | {name: float(rewards.sum()) for name, rewards in rivals.items()}
    ranking = sorted(totals, key=lambda name: totals[name], reverse=True)
    place = ranking.index("You") + 1
    st.success(
        f"You collected **{game.total:.2f}** in {game.pulls} pulls and finished **#{place} of "
        f"{len(ranking)}**. Always pulling the best arm (arm {best_arm + 1}, true value "
        f"{q_true[best_arm]:.2f}) expects {game.best_expected_total:.2f}; you pulled it "
        f"{int(counts[best_arm])} times.",
        icon=":material/emoji_events:",
    )
    st.dataframe(
        {"Player": ranking, "Total reward": [totals[name] for name in ranking]},
        hide_index=True,
        column_config={"Total reward": st.column_config.NumberColumn(format="%.2f")},
    )
    left, right = st.columns(2)
    draw(game_charts.tally_chart(counts, averages, q_true), left)
    draw(game_charts.race_chart(game.rewards, rivals), right)
    sections.takeaways(
        [
            "You faced the exploration–exploitation dilemma yourself: every pull spent checking "
            "another arm was a pull not spent on the best-looking one.",
            "With few pulls, exploiting early pays; with many, exploring first pays off later.",
            "The agents saw exactly the rewards you would have seen had you pulled the same "
            "arms, so the comparison is fair pull by pull.",
        ]
    )


def rivals_line(length: int) -> str:
    totals = BanditGame(seed=int(seed), pulls=length).rival_rewards()
    return ", ".join(f"{name} {rewards.sum():.1f}" for name, rewards in totals.items())


def longer_game_answer() -> str:
    long_game = BanditGame(seed=int(seed), pulls=100)
    per_pull_best = long_game.best_expected_total / 100
    return (
        f"On game {int(seed)}, the agents collect with 20 pulls: {rivals_line(20)}; with 100 "
        f"pulls: {rivals_line(100)}. The best arm pays {per_pull_best:.2f} per pull on average, "
        "so with 100 pulls a few exploring pulls early cost little and finding the best arm "
        "pays for itself many times over."
    )


def replay_answer() -> str:
    return (
        f"On game {int(seed)} with {int(pulls)} pulls, always pulling the best arm expects "
        f"**{game.best_expected_total:.2f}**; the agents collected {rivals_line(int(pulls))}. "
        "Knowing the true values, you can pull the best arm every time and beat them: that is "
        "no longer a fair contest, because the agents must learn what you already know."
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Play again with 100 pulls: do you explore more, and does it pay?", longer_game_answer
        ),
        course.TryThis(
            "Press **Replay this game** and try to beat UCB now that you know the true values. "
            "Is that still a fair contest?",
            replay_answer,
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "With only 10 pulls, why can exploiting early be the better plan?",
            (
                "There are few pulls left to profit from anything exploring teaches you",
                "Exploring is never useful",
                "The best arm is always the first one you try",
            ),
            0,
            (
                "Right: exploring is an investment that pays off over the pulls that follow.",
                "With many pulls, exploring first usually pays off.",
                "The first arm is the best only by luck, 1 time in 10.",
            ),
        ),
        course.Question(
            "Why is comparing your total with the agents' a fair contest?",
            (
                "They faced the same hidden bandit and the same reward draws, pull by pull",
                "They got the same number of pulls, nothing else is shared",
                "They saw your choices and copied them",
            ),
            0,
            (
                "Right: had they pulled the arm you pulled at a step, they would have received "
                "exactly your reward.",
                "They share more than that: the same true values and the same noise.",
                "They play on their own; only the bandit and the noise are shared.",
            ),
        ),
    ],
)
