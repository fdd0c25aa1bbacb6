// The bash completion script. It needs bash 4.3 and nothing else (the bash-completion package is
// used by nobody here): the current word is taken from COMP_LINE rather than COMP_WORDS, because
// bash splits `perf:build` at the colon (COMP_WORDBREAKS), and the replies are trimmed back to
// what follows the last colon, as bash expects.
#include "farm/shell/cli_model.hpp"

namespace farm::shell {

namespace {

// A word as bash reads it: left alone when it holds nothing special, else single-quoted.
std::string bash_word(const std::string& word) {
    bool plain = !word.empty();
    for (char ch : word) {
        bool safe = std::isalnum(static_cast<unsigned char>(ch)) ||
                    std::string("_.,:/+=@%-").find(ch) != std::string::npos;
        plain = plain && safe;
    }
    if (plain) {
        return word;
    }
    std::string out = "'";
    for (char ch : word) {
        out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    }
    return out + "'";
}

std::string bash_words(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words) {
        out += (out.empty() ? "" : " ") + bash_word(word);
    }
    return out;
}

const char* kind_name(ValueKind kind) {
    switch (kind) {
    case ValueKind::none:
        return "";
    case ValueKind::text:
        return "text";
    case ValueKind::choice:
        return "choice";
    case ValueKind::file:
        return "file";
    case ValueKind::directory:
        return "directory";
    case ValueKind::subject:
        return "subject";
    case ValueKind::provider:
        return "provider";
    case ValueKind::suite:
        return "suite";
    }
    return "";
}

// `_farm_kind=choice _farm_choices=(warm cold)`: what a case branch sets for a value.
std::string kind_assignment(const OptionModel& option) {
    std::string out = std::string("_farm_kind=") + kind_name(option.value);
    if (option.value == ValueKind::choice) {
        out += " _farm_choices=(" + bash_words(option.choices) + ")";
    }
    return out;
}

std::string option_kind_cases(const CliModel& model) {
    std::string out;
    for (const CommandModel& command : model.commands) {
        for (const OptionModel& option : command.options) {
            if (option.names.empty() || option.value == ValueKind::none) {
                continue;
            }
            std::string labels;
            for (const std::string& name : option.names) {
                labels += (labels.empty() ? "" : " | ") + bash_word(command.name + " " + name);
            }
            out += "    " + labels + ") " + kind_assignment(option) + " ;;\n";
        }
    }
    return out;
}

std::string positional_cases(const CliModel& model) {
    std::string out;
    for (const CommandModel& command : model.commands) {
        for (const OptionModel& option : command.options) {
            if (option.names.empty() && option.value != ValueKind::none) {
                out += "    " + bash_word(command.name) + ") " + kind_assignment(option) + " ;;\n";
                break; // only the first positional argument is completed
            }
        }
    }
    return out;
}

std::string option_list_cases(const CliModel& model) {
    std::vector<std::string> globals;
    for (const OptionModel& option : model.global_options) {
        globals.insert(globals.end(), option.names.begin(), option.names.end());
    }
    std::string out = "    '') _farm_choices=(" + bash_words(globals) + ") ;;\n";
    for (const CommandModel& command : model.commands) {
        std::vector<std::string> names;
        for (const OptionModel& option : command.options) {
            names.insert(names.end(), option.names.begin(), option.names.end());
        }
        out +=
            "    " + bash_word(command.name) + ") _farm_choices=(" + bash_words(names) + ") ;;\n";
    }
    return out;
}

const char* const bash_functions = R"BASH(
# _farm_add_matching PREFIX WORD...: appends the WORDs that start with PREFIX to COMPREPLY.
_farm_add_matching() {
    local prefix=$1 word
    shift
    for word in "$@"; do
        if [[ $word == "$prefix"* ]]; then
            COMPREPLY+=("$word")
        fi
    done
}

# _farm_complete_value CUR: completes a value of the kind _farm_kind names.
_farm_complete_value() {
    local cur=$1 i
    local -a values=()
    case $_farm_kind in
    choice) _farm_add_matching "$cur" "${_farm_choices[@]}" ;;
    file | directory)
        compopt -o filenames 2>/dev/null
        if [[ $_farm_kind == file ]]; then
            mapfile -t values < <(compgen -f -- "$cur")
        else
            mapfile -t values < <(compgen -d -- "$cur")
        fi
        COMPREPLY+=("${values[@]}")
        ;;
    subject | provider | suite)
        # Asks farm itself (the history, the config); it prints nothing on any error.
        mapfile -t values < <("$_farm_program" completion --list "${_farm_kind}s" \
            ${_farm_db:+--db "$_farm_db"} 2>/dev/null)
        _farm_add_matching "$cur" "${values[@]}"
        for i in "${!COMPREPLY[@]}"; do
            printf -v "COMPREPLY[$i]" %q "${COMPREPLY[i]}"
        done
        ;;
    esac
}

# Bash replaces only what follows the last ':' (or '=') of the current word: the replies must
# not repeat what precedes it.
_farm_trim_replies() {
    local cur=$1 prefix i
    if [[ $COMP_WORDBREAKS == *=* && $cur == *=* ]]; then
        cur=${cur#*=}
    fi
    if [[ $COMP_WORDBREAKS == *:* && $cur == *:* ]]; then
        prefix=${cur%"${cur##*:}"}
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]=${COMPREPLY[i]#"$prefix"}
        done
    fi
}

_farm() {
    local line=${COMP_LINE:0:COMP_POINT} cur="" command="" word i
    local -a words=()
    read -ra words <<<"$line"
    if [[ ${#words[@]} -gt 0 && $line != *[[:space:]] ]]; then
        cur=${words[-1]}
        unset 'words[-1]'
    fi
    local _farm_program=${words[0]:-farm} _farm_db="" _farm_kind=""
    local -a _farm_choices=()
    COMPREPLY=()
    for ((i = 1; i < ${#words[@]}; i++)); do
        word=${words[i]}
        if [[ $word == -- ]]; then
            # The command to time follows: complete it as bash would.
            compopt -o default 2>/dev/null
            return 0
        elif [[ -z $command && $word != -* ]]; then
            command=$word
        elif [[ $word != -* && " ${_farm_groups[*]} " == *" $command "* ]]; then
            command=$command:$word # the space form, `perf build`
        elif [[ $word == --db ]]; then
            _farm_db=${words[i + 1]-}
        elif [[ $word == --db=* ]]; then
            _farm_db=${word#--db=}
        fi
    done

    if [[ $cur == --*=* ]]; then
        _farm_option_kind "$command" "${cur%%=*}"
        _farm_complete_value "${cur#*=}"
        if [[ $COMP_WORDBREAKS != *=* ]]; then
            for i in "${!COMPREPLY[@]}"; do
                COMPREPLY[i]=${cur%%=*}=${COMPREPLY[i]}
            done
        fi
        _farm_trim_replies "$cur"
        return 0
    fi
    if [[ ${#words[@]} -gt 1 ]]; then
        _farm_option_kind "$command" "${words[-1]}"
        if [[ -n $_farm_kind ]]; then
            _farm_complete_value "$cur"
            _farm_trim_replies "$cur"
            return 0
        fi
    fi
    if [[ $cur == -* ]]; then
        _farm_options "$command"
        _farm_add_matching "$cur" "${_farm_choices[@]}"
    elif [[ -z $command ]]; then
        _farm_add_matching "$cur" "${_farm_commands[@]}"
    elif [[ " ${_farm_groups[*]} " == *" $command "* ]]; then
        for word in "${_farm_commands[@]}"; do
            if [[ $word == "$command:"* ]]; then
                _farm_add_matching "$cur" "${word#*:}"
            fi
        done
    else
        _farm_positional "$command"
        _farm_complete_value "$cur"
    fi
    _farm_trim_replies "$cur"
}

)BASH";

} // namespace

std::string bash_completion(const CliModel& model) {
    std::vector<std::string> names;
    for (const CommandModel& command : model.commands) {
        names.push_back(command.name);
    }
    std::string p = model.program;
    std::string out = "# bash completion for " + p + ". Generated by `" + p +
                      " completion bash` from the parser of " + p + " itself: do not edit.\n";
    out += "# Needs bash 4.3 or later; the bash-completion package is not required.\n\n";
    out += "_farm_commands=(" + bash_words(names) + ")\n";
    out += "_farm_groups=(" + bash_words(command_groups(model)) + ")\n\n";
    out += "# _farm_option_kind COMMAND OPTION: sets _farm_kind to the kind of value OPTION takes\n"
           "# (empty for a flag) and _farm_choices to its fixed values.\n"
           "_farm_option_kind() {\n"
           "    _farm_kind=\"\" _farm_choices=()\n"
           "    case \"$1 $2\" in\n" +
           option_kind_cases(model) + "    esac\n}\n\n";
    out += "# _farm_positional COMMAND: the same for the command's first positional argument.\n"
           "_farm_positional() {\n"
           "    _farm_kind=\"\" _farm_choices=()\n"
           "    case \"$1\" in\n" +
           positional_cases(model) + "    esac\n}\n\n";
    out +=
        "# _farm_options COMMAND: sets _farm_choices to the options of COMMAND (or farm's own).\n"
        "_farm_options() {\n"
        "    _farm_choices=()\n"
        "    case \"$1\" in\n" +
        option_list_cases(model) + "    esac\n}\n";
    out += bash_functions;
    out += "complete -F _farm " + p + "\n";
    return out;
}

} // namespace farm::shell
