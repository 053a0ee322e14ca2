"""Deep Q-Network on CartPole: train one live, watch it learn, see why each ingredient matters."""

import pandas as pd
import streamlit as st

from ui import dqn as dqn_ui
from ui import routing, sections
from ui.charts import dqn as charts
from ui.drawing import draw

routing.ensure_router()

st.title("Deep Q-Network on CartPole")
st.markdown(
    "On the bandit pages the agent's knowledge fit in a table: one estimate Q(a) per arm. Most "
    "problems have far too many states for a table. CartPole's state is four real numbers, so "
    "no two situations are ever exactly alike. A **Deep Q-Network** (DQN) replaces the table "
    "with a neural network that takes the state and outputs one value per action, Q(s, a; θ), "
    "and it generalises: similar states get similar values."
)
st.latex(r"y = r + \gamma \, (1 - \text{terminated}) \max_{a'} Q(s', a'; \theta^-)")
st.latex(r"\text{loss} = \operatorname{Huber}\bigl(y - Q(s, a; \theta)\bigr)")
sections.idea(
    "Like the bandit agent, DQN nudges an estimate toward a target, but the target is "
    "**bootstrapped**: the reward now plus the discounted value of the best action in the next "
    "state, as estimated by the network itself. Two ingredients keep that from chasing its own "
    "tail:",
    [
        r"\text{replay: } (s, a, r, s') \sim \mathcal{U}(\text{buffer})",
        r"\text{target network: } \theta^- \leftarrow \theta \text{ every } C \text{ steps}",
    ],
    [
        "Act ε-greedily with the network: usually the action with the higher Q, sometimes a "
        "random one. ε falls linearly from 1 to 0.05, as on the decaying-ε page.",
        "Store every transition (state, action, reward, next state, terminated) in a **replay "
        "buffer**.",
        "Learn from a **random sample of prior transitions** instead of the most recent one: "
        "consecutive steps are nearly identical, and random samples break that correlation and "
        "reuse each experience many times.",
        "Compute targets with a **target network**, a copy of the network that is only synced "
        "every C steps, so the target holds still while the network moves toward it.",
        "Take a gradient step on the Huber loss between targets and predictions.",
    ],
)
st.info(
    "The 500-step time limit is not a failure: when an episode is cut off there, the last "
    "transition still bootstraps from the next state (terminated = 0). Treating it as terminal "
    "would tell the agent that nothing follows those states, although the pole was still up, "
    "and it would learn to undervalue exactly the states it should seek.",
    icon=":material/timer:",
)

st.header("The environment")
left, right = st.columns([3, 2])
with left:
    st.markdown(
        """
A pole is hinged to a cart on a frictionless track. Each step (0.02 s) the agent pushes the
cart **left or right**. An episode ends when the pole leans more than **12°**, when the cart
leaves the track (**|x| > 2.4**), or after **500 steps** (a time limit).
"""
    )
    st.dataframe(
        pd.DataFrame(
            {
                "The agent sees": [
                    "cart position x",
                    "cart velocity",
                    "pole angle θ",
                    "pole angular velocity",
                ],
                "Range": [
                    "−4.8 to 4.8 (fails beyond ±2.4)",
                    "any",
                    "±24° (fails beyond ±12°)",
                    "any",
                ],
            }
        ),
        hide_index=True,
    )
    st.markdown(
        "**Reward**: +1 for every step the pole stays up (Gymnasium's default), so the return "
        "is the episode's length and 500 is perfect. The *solved* bar is a mean of 475. "
        "The lesson's warning applies: *policy design and reward structure are important*. "
        "Try Sutton & Barto's version, −1 on failure and 0 otherwise, in the sidebar."
    )
with right:
    st.markdown("**A random policy** fails within a few dozen steps:")
    st.image(dqn_ui.random_animation(seed=0), width="stretch")

config, submitted, form_error = dqn_ui.config_form()
interrupted = dqn_ui.recover_interrupted_run()
if interrupted:
    st.warning(interrupted, icon=":material/stop_circle:")

st.header("Training")
if form_error:
    st.error(f"These settings can't be trained: {form_error}.", icon=":material/error:")
elif submitted and config is not None:
    with sections.readable_errors():
        result = dqn_ui.train_live(config)
    dqn_ui.add_to_history(config, result.episode_returns, result.episode_lengths, result)
    st.session_state["dqn_inspect"] = dqn_ui.history()[-1].label
else:
    st.markdown(
        "Set the hyperparameters in the sidebar and press **Train**. Nothing trains until you "
        "do. The default settings usually solve CartPole in a few thousand to 50,000 steps, "
        "about 3 to 15 seconds. Below is the run that ships with the app, trained with them."
    )

runs = dqn_ui.history()
finished = [record for record in runs if record.result is not None]
labels = [record.label for record in finished]
st.header("Results")
if st.session_state.get("dqn_inspect") not in labels:
    st.session_state["dqn_inspect"] = labels[-1]
choice = st.selectbox("Run to inspect", labels, key="dqn_inspect")
dqn_ui.show_result(finished[labels.index(choice)])

st.header("Run history")
st.markdown(
    "Every run you train stays here (the last ten), so ablations become pictures. Train once "
    "with **Experience replay** off and once with the **Target network** off, then compare their "
    "curves with the default."
)
overlay = st.multiselect(
    "Runs to overlay", [r.label for r in runs], key=dqn_ui.overlay_selection_key(runs)
)
chosen = [(r.label, r.lengths, r.lengths) for r in runs if r.label in overlay]
if chosen:
    draw(charts.history_chart(chosen))
st.dataframe(
    pd.DataFrame(
        {
            "Run": [r.label for r in runs],
            "Episodes": [len(r.returns) for r in runs],
            "Best mean of 20": [float(charts.moving_average(r.returns).max()) for r in runs],
            "Solved": [
                "stopped" if r.result is None else ("yes" if r.result.solved else "no")
                for r in runs
            ],
        }
    ),
    hide_index=True,
    column_config={"Best mean of 20": st.column_config.NumberColumn(format="%.0f")},
)

sections.takeaways(
    [
        "A network generalises across states that a table would treat as unrelated; that is "
        "what lets Q-learning work on a continuous state.",
        "Without experience replay, each update follows the latest, highly correlated step, and "
        "learning is slow and unstable.",
        "Without a target network, every update moves the target too; learning often oscillates "
        "or collapses.",
        "Judge the agent by greedy episodes, not training returns: training returns include the "
        "ε-random actions.",
        "Reward design matters: the same task with a different reward signal learns at a "
        "different speed.",
    ],
    [
        "Turn **Experience replay** off and train: compare the run history curves.",
        "Turn the **Target network** off (and Double DQN with it): does it still solve?",
        "Set ε's decay to 50,000 steps: how does exploring longer change the curve?",
        "Switch the reward scheme to Sutton & Barto's and compare with the default run.",
    ],
)
