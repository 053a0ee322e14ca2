""" "Be the agent": play a hidden 10-armed bandit, then meet agents on the very same one."""

import numpy as np
import streamlit as st

from ui import play, routing, sections
from ui.charts import game as game_charts
from ui.controls import ControlPanel
from ui.drawing import draw

routing.ensure_router()

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
    "Pulls", "pulls", options=(10, 20, 30, 50, 100), value=20, help="How many pulls you get."
)
panel.button(
    "New game", "new_game", on_click=play.new_game, args=("game",), icon=":material/casino:"
)
panel.button("Replay this game", "replay", on_click=play.replay, icon=":material/replay:")
panel.finish()

game = play.current_game(int(seed), int(pulls))
counts, averages = game.tally()
left, middle, right = st.columns(3)
left.metric("Pulls left", game.pulls_left, border=True)
middle.metric("Your total reward", f"{game.total:.2f}", border=True)
if game.actions:
    right.metric(f"Last pull: arm {game.actions[-1] + 1}", f"{game.rewards[-1]:+.2f}", border=True)

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

if not game.finished:
    if game.actions:
        draw(game_charts.tally_chart(counts, averages))
    st.caption(
        "Tip: a reward is the arm's true value plus noise with standard deviation 1, so one pull "
        "says little. How many arms will you try before you settle?"
    )
    st.stop()

q_true = game.reveal()
rivals = game.rival_rewards()
best_arm = int(np.argmax(q_true))
st.header("The reveal")
totals = {"You": game.total} | {name: float(rewards.sum()) for name, rewards in rivals.items()}
ranking = sorted(totals, key=totals.get, reverse=True)
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
        "The agents saw exactly the rewards you would have seen had you pulled the same arms, "
        "so the comparison is fair pull by pull.",
    ],
    [
        "Play again with 100 pulls: do you explore more, and does it pay?",
        "Press **Replay this game** and try to beat UCB now that you know the true values. "
        "Is that still a fair contest?",
        "Send the link to a friend: the game number in it gives them the same bandit.",
    ],
)
