"""Deep Q-Network on CartPole: train one, see inside it, see why each ingredient matters."""

import pandas as pd
import streamlit as st

from core.dqn import EVAL_EPISODES, SOLVED_THRESHOLD
from core.dqn.shipped import load_reference_runs
from ui import course, registry, routing, sections
from ui.charts import dqn as charts
from ui.dqn import runs, views
from ui.dqn.form import config_form
from ui.drawing import draw

routing.ensure_router()
PAGE = "dqn"

st.title("Deep Q-Network on CartPole")
st.caption("[Jump to training your own network](#train-your-own)")
shipped = runs.shipped_run()
bridge = next((spec for spec in registry.COURSE if spec.key == "qlearning"), None)
st.markdown(
    "On the bandit pages the agent's knowledge fit in a table: one estimate Q(a) per arm, the "
    "expected *reward* of pulling it. Here Q(s, a) means something larger: the expected "
    "**discounted return** of taking action a in state s and acting well afterwards, the sum "
    "of all future rewards with each weighted by γ per step of delay."
    + (
        f" The page *{bridge.title}* builds that idea on a small grid, with a table."
        if bridge
        else ""
    )
    + " CartPole's state is four real numbers, so no two situations are ever exactly alike and "
    "no table can hold them. A **Deep Q-Network** (DQN; Mnih et al., 2013 and 2015) replaces "
    "the table with a neural network that takes the state and outputs one value per action, "
    "Q(s, a; θ), and generalises: similar states get similar values."
)
formula_slot = st.container()
sections.idea(
    "Like the bandit agent, DQN nudges an estimate toward a target, but the target is "
    "**bootstrapped**: the reward now plus the discounted value of the next state, as "
    "estimated by a network. Chasing your own estimates is unstable, so each ingredient "
    "has its own job:",
    [
        r"\text{replay: } (s, a, r, s') \sim \mathcal{U}(\text{buffer})",
        r"\text{target network: } \theta^- \leftarrow \theta \text{ every } C \text{ steps}",
    ],
    [
        "Act ε-greedily with the network: usually the action with the higher Q, sometimes a "
        "random one. Here ε falls **linearly** from its start to its end (the decaying-ε page "
        "defaults to an exponential schedule).",
        "Store every transition (state, action, reward, next state, terminated) in a **replay "
        "buffer**.",
        "**Experience replay** (Mnih et al., 2013): learn from a random sample of past "
        "transitions. Consecutive steps are nearly identical; random samples break that "
        "correlation, and every transition is reused many times.",
        "**Target network** (Mnih et al., 2015): compute targets with a copy of the network "
        "that is synced only every C steps, so the target holds still while the network moves "
        "toward it.",
        "**Double DQN** (van Hasselt et al., 2016): let the online network pick the next action "
        "and the target network value it, which curbs the overestimation a max over noisy "
        "values causes.",
        "Take a gradient step on the Huber loss between the targets y and the predictions "
        "Q(s, a; θ).",
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
        f"is the episode's length and 500 is perfect; the *solved* bar is a mean of "
        f"{SOLVED_THRESHOLD:g}. The lesson's warning applies: *policy design and reward "
        "structure are important*. Try Sutton & Barto's version, −1 on failure and 0 otherwise, "
        "in the settings."
    )
    st.caption(
        "Why only two actions? DQN picks the action with the largest Q-value, which needs a "
        "small, fixed set of actions to compare. A robot that sets motor torques has "
        "continuous actions and needs another family of methods, such as DDPG or SAC, which "
        "learn the action directly."
    )
with right:
    st.markdown("**A random policy** fails within a few dozen steps:")
    gif, still = views.random_episode(seed=0)
    views.animation(
        gif,
        still,
        "CartPole animation of a random policy: the pole tips over within a few dozen steps.",
        "random",
    )
    views.animation_switch()

st.header("Train your own", anchor="train-your-own")
st.markdown(
    "Set the ingredients and press **Train**. Trainings run outside this web page, one per "
    f"trainer, so every page stays fast for the whole class; the shipped run (default "
    f"settings, seed 0) solved after **{shipped.solved_at_step:,} steps** and "
    f"**{shipped.cpu_time:.0f} s** of one CPU core when it was made. You can read other pages "
    "while yours trains: the sidebar shows its progress."
)
config, submitted, form_error = config_form()
if config is not None:
    bootstrap = r"\theta^-" if config.use_target_network else r"\theta"
    if config.double_dqn:
        next_value = (
            rf"Q\bigl(s', \operatorname*{{argmax}}_{{a'}} Q(s', a'; \theta); {bootstrap}\bigr)"
        )
    else:
        next_value = rf"\max_{{a'}} Q(s', a'; {bootstrap})"
    with formula_slot:
        st.latex(rf"y = r + \gamma \, (1 - \text{{terminated}})\, {next_value}")
        st.latex(r"\text{loss} = \operatorname{Huber}\bigl(y - Q(s, a; \theta)\bigr)")
        parts = [
            "Double DQN" if config.double_dqn else "plain DQN",
            "a target network θ⁻" if config.use_target_network else "no target network",
        ]
        st.caption(
            f"The target as the settings below define it ({', '.join(parts)}). "
            + (
                ""
                if config.use_target_network
                else "Without a target network the bootstrap comes from θ, the very network "
                "being trained, so the target moves with every step."
            )
        )
    if config.warm_up_covers_budget:
        st.warning(
            f"The budget of {config.max_env_steps:,} steps ends before the warm-up of "
            f"{config.learning_starts:,} steps does, so no gradient step will be taken: the "
            "network stays as it was initialised. Raise the budget or lower the warm-up.",
            icon=":material/warning:",
        )
notice = runs.restart_notice()
if notice:
    st.info(notice, icon=":material/restart_alt:")
if form_error:
    st.error(f"These settings can't be trained: {form_error}.", icon=":material/error:")
elif submitted and config is not None:
    message = runs.start(config)
    if message:
        st.success(message, icon=":material/bolt:")
stored = st.session_state.pop(runs.NOTICE_KEY, None)
if stored:
    st.warning(stored, icon=":material/stop_circle:")
runs.training_status()

history = runs.history()
labels = [record.label for record in history]
st.header("Results")
if st.session_state.get("dqn_inspect") not in labels:
    st.session_state["dqn_inspect"] = labels[-1]
choice = st.selectbox("Run to inspect", labels, key="dqn_inspect")
views.show_result(history[labels.index(choice)])

st.header("Run history")
st.markdown(
    "Every run you train stays here (the last ten), so ablations become pictures. Runs are "
    "compared by **episode length** (how long the pole stayed up) against environment steps: "
    "the same measure whatever the reward scheme, and the same budget axis for every run."
)
overlay = st.multiselect(
    "Runs to overlay", labels, default=labels[-4:], key=f"dqn_overlay_{len(labels)}"
)
chosen = [
    (r.label, r.result.episode_lengths, r.result.episode_lengths)
    for r in history
    if r.label in overlay
]
if chosen:
    draw(charts.history_chart(chosen))
st.dataframe(
    views.history_table(history),
    hide_index=True,
    column_config={
        "Run": st.column_config.TextColumn(width="large"),
        "Greedy return": st.column_config.NumberColumn(
            format="%.0f", help=f"Mean over {EVAL_EPISODES} greedy evaluation episodes."
        ),
    },
)

sections.takeaways(
    [
        "A network generalises across states that a table would treat as unrelated; that is "
        "what lets Q-learning work on a continuous state.",
        "Experience replay breaks the correlation of consecutive samples and reuses data; the "
        "target network holds the bootstrap target still. Switch either off and compare.",
        "Judge the agent by greedy episodes, not training returns: training returns include "
        "the ε-random actions.",
        "Reward design matters: the same task with a different reward signal learns at a "
        "different speed.",
    ]
)

REFERENCES = load_reference_runs()


def reference_answer(name: str) -> str:
    base, changed = REFERENCES["default settings"], REFERENCES[name]

    def line(outcome: dict) -> str:
        solved = (
            f"solved after {outcome['solved_at_step']:,} steps"
            if outcome["solved"]
            else f"did not solve in {outcome['total_steps']:,} steps (ended by "
            f"{outcome['ended_by']})"
        )
        return (
            f"{solved}; greedy return {outcome['greedy_mean']:.0f}, best 20-episode mean length "
            f"{outcome['best_recent_length']:.0f}"
        )

    trained = runs.trained_count()
    own = f" Your own {trained} run(s) are in the run history above." if trained else ""
    return (
        f"Measured with seed 0 when the app was built (`python -m core.dqn.shipped`): the "
        f"default settings {line(base)}. With **{name}**, it {line(changed)}. One seed is one "
        "sample: train a few seeds to see the spread." + own
    )


course.try_this(
    PAGE,
    [
        course.TryThis(
            "Turn **Experience replay** off and train: compare the run history curves.",
            lambda: reference_answer("replay off"),
        ),
        course.TryThis(
            "Turn the **Target network** off: does it still solve?",
            lambda: reference_answer("target network off"),
        ),
        course.TryThis(
            "Set ε's decay to 50,000 steps: how does exploring longer change the curve?",
            lambda: reference_answer("ε decay over 50,000 steps"),
        ),
        course.TryThis(
            "Switch the reward scheme to Sutton & Barto's and compare episode lengths with the "
            "default run.",
            lambda: reference_answer("Sutton & Barto reward"),
        ),
    ],
)
course.check_understanding(
    PAGE,
    [
        course.Question(
            "Why does DQN learn from random samples of a replay buffer instead of the latest step?",
            (
                "Consecutive steps are nearly identical; random samples break that correlation "
                "and reuse each transition many times",
                "Random samples make the network explore more",
                "The latest step is not available yet",
            ),
            0,
            (
                "Right: a network trained on one narrow stretch of experience at a time forgets "
                "the rest.",
                "Exploration comes from ε-greedy acting; replay changes what the network learns "
                "from, not what it does.",
                "It is: learning without replay uses exactly the latest steps.",
            ),
        ),
        course.Question(
            "What does the target network do?",
            (
                "It holds the bootstrap target still for C steps while the network moves toward it",
                "It stores the best policy found so far",
                "It picks the action to take",
            ),
            0,
            (
                "Right: without it, every update also moves the target it is chasing.",
                "Keeping the best policy is a separate safeguard here (stop when solved).",
                "The online network picks actions; the target network only values next states.",
            ),
        ),
        course.Question(
            "An episode is cut off by the 500-step time limit. Why must its last transition "
            "still bootstrap from the next state?",
            (
                "The pole was still up: that state has a future, and calling it terminal would "
                "teach the agent to undervalue the states it should seek",
                "Because the reward at the time limit is larger",
                "It does not matter either way",
            ),
            0,
            (
                "Right: only a real end (the pole fell) has no future.",
                "The reward is +1 as at every other step.",
                "It matters: treating truncation as terminal is a classic DQN bug.",
            ),
        ),
    ],
)
